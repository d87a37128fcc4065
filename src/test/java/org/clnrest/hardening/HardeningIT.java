package org.clnrest.hardening;

import static org.clnrest.support.Requests.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.Requests;
import org.clnrest.support.JavaNames;
import org.clnrest.support.BodyMutator;
import org.clnrest.support.Harness;
import org.clnrest.support.RawHttp;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 over real HTTPS against the packaged plugin: authorisation is total (asserted on the node's call
 * log), a corpus of bad inputs and a seeded random walk over the router never get more than a clean 4xx (or
 * lightningd's own error), and slow or dead connections are dropped without holding anyone else up.
 */
class HardeningIT {
    static final int BODY_LIMIT = 65536;
    static Harness h;
    static WebClient client;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-body-limit", BODY_LIMIT).option("clnrest-idle-timeout", 2));
        // One connection per request: with an idle timeout of 2 s, a pooled connection could be closed by the
        // server just as the client reuses it.
        client = h.client(false);
        rune = h.node.createRune(null);
        for (String http : new String[]{"GET", "POST", "DELETE"}) {
            register(new JsonObject().put("path", "/v1/dyn/{x}").put("rpc_method", "getinfo").put("http_method", http));
        }
        register(new JsonObject().put("path", "/v1/dynpay").put("rpc_method", "getinfo")
                .put("rune_restrictions", new JsonObject().put("method", "pay")));
    }

    static void register(JsonObject params) throws Exception {
        assertEquals(new JsonObject(), h.node.call("clnrest-register-path", params).getJsonObject("result"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.assertRuneNotLogged(rune);
        h.close();
    }

    static HttpResponse<Buffer> send(HttpMethod method, String uri, MultiMap headers, Buffer body) throws Exception {
        return Requests.send(client, method, uri, headers, body);
    }

    /** A JSON error {code, message}, no stack trace, the CSP header: what every refusal must look like. */
    static JsonObject assertCleanError(HttpResponse<Buffer> r, String context) {
        String text = r.bodyAsString();
        assertTrue(r.getHeader("Content-Type") != null && r.getHeader("Content-Type").startsWith("application/json"), context + ": " + text);
        JsonObject body = new JsonObject(text);
        assertNotNull(body.getInteger("code"), context + ": " + text);
        assertNotNull(body.getString("message"), context + ": " + text);
        JavaNames.assertNone(text, "in a refusal (" + context + ")");
        return body;
    }

    // ---- authorisation ---------------------------------------------------------------------------------

    @Test
    void noBadRuneReachesAnyMethod() throws Exception {
        Path other = Files.createTempDirectory("clnrest-other-node");
        String foreign;
        try (SimulatedLightningd otherNode = SimulatedLightningd.builder(other).build().start()) {
            foreign = otherNode.createRune(null);
        } finally {
            Harness.deleteTree(other);
        }
        String forbidding = h.node.createRune(new JsonArray().add(new JsonArray().add("method=nothing-at-all")));
        String[] runes = {null, "not a rune!", Harness.forged(rune), foreign, forbidding};

        List<String> methods = new ArrayList<>();
        for (Object o : h.node.call("help", new JsonObject()).getJsonObject("result").getJsonArray("help")) {
            methods.add(((JsonObject) o).getString("command"));
        }
        assertTrue(methods.size() > 10, "the node's methods: " + methods);
        List<String[]> routes = new ArrayList<>();
        methods.forEach(m -> routes.add(new String[]{"POST", "/v1/" + m}));
        routes.add(new String[]{"GET", "/v1/dyn/1"});
        routes.add(new String[]{"POST", "/v1/dyn/1"});
        routes.add(new String[]{"DELETE", "/v1/dyn/1"});
        routes.add(new String[]{"POST", "/v1/dynpay"});

        h.node.clearCalls();
        int refusals = 0;
        for (String[] route : routes) {
            for (String r : runes) {
                MultiMap hs = r == null ? headers() : headers("Rune", r);
                HttpResponse<Buffer> res = send(HttpMethod.valueOf(route[0]), route[1], hs, Buffer.buffer("{}"));
                String ctx = route[0] + " " + route[1] + " with " + (r == null ? "no rune" : "rune " + r.substring(0, 4));
                // 401/403 from the rune check; or 400 when the contract refuses the params first (known methods
                // are validated before anything, checkrune included, is asked of lightningd).
                JsonObject err = assertCleanError(res, ctx);
                assertTrue(res.statusCode() == 401 || res.statusCode() == 403
                        || res.statusCode() == 400 && err.getString("message").startsWith("Invalid params for "),
                        ctx + ": " + res.statusCode() + " " + res.bodyAsString());
                refusals++;
            }
        }
        for (JsonObject call : h.node.calls()) {
            assertEquals("checkrune", call.getString("method"), "only rune checks reached lightningd: " + call.encode());
        }
        assertEquals(routes.size() * runes.length, refusals);
    }

    // ---- bad input corpus -----------------------------------------------------------------------------

    record Case(String name, HttpMethod method, String uri, MultiMap headers, Buffer body, int status) {}

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        MultiMap json = headers("Rune", rune, "Content-Type", "application/json");
        MultiMap yaml = headers("Rune", rune, "Content-Type", "application/yaml");
        MultiMap xml = headers("Rune", rune, "Content-Type", "application/xml");
        MultiMap form = headers("Rune", rune, "Content-Type", "application/x-www-form-urlencoded");
        c.add(new Case("truncated JSON", HttpMethod.POST, "/v1/getinfo", json, Buffer.buffer("{\"a\":"), 400));
        c.add(new Case("JSON garbage", HttpMethod.POST, "/v1/getinfo", json, Buffer.buffer("{]}"), 400));
        c.add(new Case("JSON nested 50,000 deep", HttpMethod.POST, "/v1/getinfo", json, Buffer.buffer("[".repeat(50_000)), 400));
        c.add(new Case("JSON scalar body", HttpMethod.POST, "/v1/getinfo", json, Buffer.buffer("42"), 400));
        c.add(new Case("invalid UTF-8", HttpMethod.POST, "/v1/getinfo", json,
                Buffer.buffer(new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}), 400));
        c.add(new Case("JSON duplicate key", HttpMethod.POST, "/v1/getinfo", json, Buffer.buffer("{\"a\":1,\"a\":2}"), 406));
        c.add(new Case("YAML malformed", HttpMethod.POST, "/v1/getinfo", yaml, Buffer.buffer("a: [1, 2\nb: {"), 400));
        c.add(new Case("YAML nested 10,000 deep", HttpMethod.POST, "/v1/getinfo", yaml, Buffer.buffer("[".repeat(10_000)), 400));
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char x = 'b'; x <= 'k'; x++) {
            String prev = String.valueOf((char) (x - 1));
            laughs.append(x).append(": &").append(x).append(" [*").append(prev).append(",*").append(prev).append(",*").append(prev)
                    .append(",*").append(prev).append(",*").append(prev).append(",*").append(prev).append(",*").append(prev).append("]\n");
        }
        c.add(new Case("YAML billion laughs", HttpMethod.POST, "/v1/getinfo", yaml, Buffer.buffer(laughs.toString()), 400));
        c.add(new Case("XML malformed", HttpMethod.POST, "/v1/getinfo", xml, Buffer.buffer("<getinfo><a></getinfo>"), 400));
        c.add(new Case("XML external entity", HttpMethod.POST, "/v1/getinfo", xml, Buffer.buffer(
                "<?xml version=\"1.0\"?><!DOCTYPE getinfo [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><getinfo><a>&x;</a></getinfo>"), 400));
        c.add(new Case("XML billion laughs", HttpMethod.POST, "/v1/getinfo", xml, Buffer.buffer(
                "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
                        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><getinfo><a>&c;</a></getinfo>"), 400));
        c.add(new Case("XML wrong root", HttpMethod.POST, "/v1/getinfo", xml, Buffer.buffer("<other><a>1</a></other>"), 400));
        c.add(new Case("form bad escape", HttpMethod.POST, "/v1/getinfo", form, Buffer.buffer("a=%zz"), 400));
        c.add(new Case("form bad brackets", HttpMethod.POST, "/v1/getinfo", form, Buffer.buffer("a[=1&a]]=2"), 400));
        c.add(new Case("body over the limit", HttpMethod.POST, "/v1/getinfo", json,
                Buffer.buffer("{\"a\":\"" + "x".repeat(BODY_LIMIT + 10) + "\"}"), 413));
        c.add(new Case("unknown content type", HttpMethod.POST, "/v1/getinfo", headers("Rune", rune, "Content-Type", "text/csv"),
                Buffer.buffer("a,b"), 406));
        c.add(new Case("unknown accept", HttpMethod.POST, "/v1/getinfo", headers("Rune", rune, "Accept", "image/png"), null, 406));
        c.add(new Case("headers of 20 KB", HttpMethod.POST, "/v1/getinfo", headers("Rune", rune, "X-Big", "y".repeat(20_000)), null, 431));
        c.add(new Case("request line of 20 KB", HttpMethod.POST, "/v1/" + "m".repeat(20_000), headers("Rune", rune), null, 414));
        c.add(new Case("method with a space", HttpMethod.POST, "/v1/get%20info", headers("Rune", rune), null, 400));
        c.add(new Case("method with ..", HttpMethod.POST, "/v1/..%2Fetc", headers("Rune", rune), null, 400));
        c.add(new Case("method with NUL", HttpMethod.POST, "/v1/get%00info", headers("Rune", rune), null, 400));
        c.add(new Case("method with CRLF", HttpMethod.POST, "/v1/getinfo%0d%0aX:%20y", headers("Rune", rune), null, 400));
        c.add(new Case("method with a slash", HttpMethod.POST, "/v1/get/info", headers("Rune", rune), null, 404));
        c.add(new Case("empty rune", HttpMethod.POST, "/v1/getinfo", headers("Rune", " "), null, 403));
        c.add(new Case("GET on a method", HttpMethod.GET, "/v1/getinfo", headers("Rune", rune), null, 405));
        c.add(new Case("unknown path", HttpMethod.POST, "/v2/getinfo", headers("Rune", rune), null, 404));
        return c;
    }

    @Test
    void everyBadInputGetsACleanClientError() throws Exception {
        List<Case> corpus = corpus();
        h.node.clearCalls();
        for (Case c : corpus) {
            HttpResponse<Buffer> r = send(c.method(), c.uri(), c.headers(), c.body());
            assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.bodyAsString());
            assertCleanError(r, c.name());
        }
        for (JsonObject call : h.node.calls()) {
            assertEquals("checkrune", call.getString("method"), "no bad input reached a method: " + call.encode());
        }
        assertEquals(201, send(HttpMethod.POST, "/v1/getinfo", headers("Rune", rune), null).statusCode(), "still serving");
        assertTrue(NodeInternals.pluginProcesses(h.node).get(0).isAlive());
        System.out.println("bad-input corpus: " + corpus.size() + " cases");
    }

    // ---- random walk over the router ------------------------------------------------------------------

    static final String[] PATHS = {"/v1/getinfo", "/v1/invoice", "/v1/listinvoices", "/v1/list-methods", "/v1/nosuch",
            "/v1/dyn/7", "/v1/dynpay", "/v1/", "/v1", "/", "/openapi.json", "/swagger-ui/", "/v1/%00", "/v1/%2e%2e",
            "/v1/datastore", "/v1/checkrune", "/socket.io/?EIO=3", "/v1/a b"};
    static final String[] TYPES = {"application/json", "application/yaml", "application/xml", "application/x-www-form-urlencoded",
            "text/plain", "*/*", "application/json; charset=latin1", "multipart/form-data; boundary=x", ""};
    static final String[] SEEDS = {"{\"label\":\"x\",\"amount_msat\":1000,\"description\":\"d\"}", "[1,\"a\",{}]",
            "label: a\namount_msat: 5\n", "<invoice><label>a</label></invoice>", "key[0]=a&key[1]=b&string=c", "", "null"};

    @Test
    void aRandomWalkOverTheRouterNeverBreaksIt() throws Exception {
        Random random = new Random(20261125L); // fixed: a failure names a reproducible request
        HttpMethod[] methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS};
        int n = 400;
        for (int i = 0; i < n; i++) {
            HttpMethod method = methods[random.nextInt(methods.length)];
            String path = PATHS[random.nextInt(PATHS.length)].replace(" ", "%20");
            MultiMap hs = headers();
            if (random.nextBoolean()) {
                hs.add("Rune", random.nextInt(4) == 0 ? "x" + rune : rune);
            }
            String type = TYPES[random.nextInt(TYPES.length)];
            if (!type.isEmpty()) {
                hs.add("Content-Type", type);
            }
            if (random.nextInt(5) == 0) {
                hs.add("Accept", TYPES[random.nextInt(TYPES.length)]);
            }
            byte[] body = BodyMutator.mutate(SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8), random);
            String ctx = "#" + i + " " + method + " " + path + " " + hs.entries() + " body " + new String(body, StandardCharsets.ISO_8859_1);
            HttpResponse<Buffer> r = send(method, path, hs, Buffer.buffer(body));
            int s = r.statusCode();
            assertTrue(s < 500 || s == 500 && !new JsonObject(r.bodyAsString()).getInteger("code").equals(-32603), ctx + " -> " + s + " " + r.bodyAsString());
            if (s >= 400) {
                assertCleanError(r, ctx);
            }
        }
        assertEquals(201, send(HttpMethod.POST, "/v1/getinfo", headers("Rune", rune), null).statusCode(), "still serving");
    }

    // ---- faults of lightningd's side ------------------------------------------------------------------

    @Test
    void aCallWaitingOnLightningdOutlivesTheIdleTimeout() throws Exception {
        h.node.silent(true);
        var waiting = client.post("/v1/getinfo").putHeader("Rune", rune).send().toCompletionStage().toCompletableFuture();
        try {
            // Three idle timeouts pass with the call in flight: the connection must stay (a waitanyinvoice may
            // rightly wait that long); the rune check's own 30 s timeout then answers 503.
            HttpResponse<Buffer> r = waiting.get(45, TimeUnit.SECONDS);
            assertEquals(503, r.statusCode(), r.bodyAsString());
            assertTrue(assertCleanError(r, "slow").getString("message").contains("did not answer checkrune within 30000 ms"), r.bodyAsString());
        } finally {
            h.node.silent(false);
        }
    }

    @Test
    void aLostRpcSocketGives503AndTheClientReconnects() throws Exception {
        MultiMap auth = headers("Rune", rune);
        h.node.clearCalls();
        h.node.silent(true);
        HttpResponse<Buffer> lost;
        try {
            var waiting = client.post("/v1/getinfo").putHeaders(auth).send().toCompletionStage().toCompletableFuture();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (h.node.calls().stream().noneMatch(c -> "checkrune".equals(c.getString("method"))) && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the call waits on the silent node
            }
            h.node.dropConnections();
            lost = waiting.get(10, TimeUnit.SECONDS);
        } finally {
            h.node.silent(false);
        }
        assertEquals(503, lost.statusCode(), lost.bodyAsString());
        assertEquals("lightningd is unavailable: lost connection to lightningd's RPC socket", assertCleanError(lost, "lost").getString("message"));

        h.node.stopRpc();
        try {
            long t0 = System.nanoTime();
            HttpResponse<Buffer> down = send(HttpMethod.POST, "/v1/getinfo", auth, null);
            assertEquals(503, down.statusCode(), down.bodyAsString());
            assertTrue(assertCleanError(down, "down").getString("message").startsWith("lightningd is unavailable: cannot connect"));
            assertTrue(System.nanoTime() - t0 < 6_000_000_000L, "fails fast, not after a hang");
        } finally {
            h.node.startRpc();
        }
        assertEquals(201, send(HttpMethod.POST, "/v1/getinfo", auth, null).statusCode(), "reconnected once the socket is back");
    }

    // ---- slow and dead clients ------------------------------------------------------------------------

    static SSLSocket open() throws Exception {
        SSLSocket s = h.tlsSocket(0, Duration.ofSeconds(15));
        s.startHandshake();
        return s;
    }

    @Test
    void slowAndIdleConnectionsAreDroppedWithoutHoldingOthers() throws Exception {
        List<SSLSocket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                SSLSocket s = open();
                s.getOutputStream().write("POST /v1/getinfo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            long t0 = System.nanoTime();
            assertEquals(201, send(HttpMethod.POST, "/v1/getinfo", headers("Rune", rune), null).statusCode());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "served while 50 slowloris connections are open");

            // One trickles its head a byte every 300 ms: never idle, yet dropped at the head deadline.
            SSLSocket trickle = slow.get(0);
            OutputStream out = trickle.getOutputStream();
            boolean dropped = false;
            for (int i = 0; i < 60 && !dropped; i++) {
                try {
                    out.write('X');
                    out.flush();
                    Thread.sleep(300); // the trickle itself is the attack being simulated
                } catch (java.io.IOException closed) {
                    dropped = true;
                }
            }
            assertTrue(dropped || RawHttp.closedByServer(trickle), "a trickled request head is cut off");
            for (SSLSocket s : slow.subList(1, slow.size())) {
                assertTrue(RawHttp.closedByServer(s), "an unfinished head is cut off");
            }

            SSLSocket idle = open();
            slow.add(idle);
            assertTrue(RawHttp.closedByServer(idle), "a connection that sends nothing is closed");
            SSLSocket keepAlive = open();
            slow.add(keepAlive);
            keepAlive.getOutputStream().write(("POST /v1/getinfo HTTP/1.1\r\nHost: x\r\nRune: " + rune + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            keepAlive.getOutputStream().flush();
            assertTrue(RawHttp.closedByServer(keepAlive), "an idle keep-alive connection is closed after clnrest-idle-timeout");
        } finally {
            for (SSLSocket s : slow) {
                s.close();
            }
        }
    }
}
