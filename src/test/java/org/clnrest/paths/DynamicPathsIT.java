package org.clnrest.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.Requests;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * clnrest-register-path end to end: a second plugin (src/test/plugins/dynpaths.py), started by the simulated
 * lightningd after clnrest, registers paths through lightningd's RPC socket at its init and serves their
 * methods; requests go over HTTPS to the packaged plugin.
 */
class DynamicPathsIT {
    static final String OTHER_NODE = "03" + "bb".repeat(32);
    /** The node id upstream's test plugin binds {@code invalid/nodeid} to (not the node under test). */
    static final String UPSTREAM_NODEID = "035d2b1192dfba134e10e540875d366ebc8bc353d5aa766b80c090b39c3a5d885d";
    static final JsonArray REGISTRATIONS = new JsonArray()
            // A literal beside a capture must come first: upstream looks a new path up as a request, and
            // v1/echo/special would reach v1/echo/{user}.
            .add(new JsonObject().put("path", "/v1/echo/special").put("rpc_method", "dyn-fail").put("http_method", "GET").put("rune_required", false))
            .add(new JsonObject().put("path", "/v1/echo/{user}").put("rpc_method", "dyn-echo").put("http_method", "GET").put("rune_required", false))
            .add(new JsonObject().put("path", "/v1/echo/{user}").put("rpc_method", "dyn-echo"))
            .add(new JsonArray().add("v1/echo/{user}").add("dyn-echo").add("PUT"))
            .add(new JsonObject().put("path", "v1/echo/{user}/").put("rpc_method", "dyn-echo").put("http_method", "patch"))
            .add(new JsonObject().put("path", "/v1/echo/{user}").put("rpc_method", "dyn-echo").put("http_method", "DELETE"))
            .add(new JsonObject().put("path", "/custom/{a}/x/{b}").put("rpc_method", "dyn-echo").put("http_method", "GET"))
            .add(new JsonObject().put("path", "/v1/superpay").put("rpc_method", "dyn-echo")
                    .put("rune_restrictions", new JsonObject().put("method", "pay")))
            .add(new JsonObject().put("path", "/v1/nodebound").put("rpc_method", "dyn-echo")
                    .put("rune_restrictions", new JsonObject().put("nodeid", OTHER_NODE)))
            // Upstream's own test plugin (tests/plugins/dynamic_clnrest_path.py), every registration of it, in its
            // order; its methods (which all succeed) served by dyn-echo.
            .add(new JsonArray().add("test/no/rune_restrictions").add("dyn-echo"))
            .add(new JsonArray().add("test/no/rune_required").add("dyn-echo").add("GET").add(false))
            .add(new JsonArray().add("test/dynamic/clnrest").add("dyn-echo").add("POST").add(true).add(new JsonObject().put("method", "pay")))
            .add(new JsonArray().add("test/dynamic/clnrest").add("dyn-echo").add("PATCH").add(true).add(new JsonObject().put("method", "pay")))
            .add(new JsonArray().add("test/dynamic/clnrest").add("dyn-echo").add("DELETE").add(true).add(new JsonObject().put("method", "pay")))
            .add(new JsonArray().add("invalid/nodeid").add("dyn-echo").add("POST").add(true).add(new JsonObject().put("nodeid", UPSTREAM_NODEID)))
            .add(new JsonObject().put("path", "v{version}/{capture}/go").put("rpc_method", "dyn-echo")
                    .put("rune_restrictions", new JsonObject().put("params", new JsonObject().put("amount_msat", 9999))).put("http_method", "GET"));

    static Harness h;
    static WebClient client;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        Path script = Path.of("src", "test", "plugins", "dynpaths.py").toAbsolutePath();
        h = Harness.start(b -> b.plugin(List.of(script.toString())).env("DYNPATHS_REGISTER", REGISTRATIONS.encode()));
        h.node.awaitLog("dynpaths: registrations done", Duration.ofSeconds(30));
        client = h.client(true);
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    static HttpResponse<Buffer> send(HttpMethod method, String path, String rune, String body) throws Exception {
        return Requests.send(client, method, path, Requests.headers("Rune", rune, "Content-Type", body == null ? null : "application/json"),
                body == null ? null : Buffer.buffer(body));
    }

    static void assertError(HttpResponse<Buffer> r, int status, int code, String message) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertEquals(code, r.bodyAsJsonObject().getInteger("code"), r.bodyAsString());
        assertEquals(message, r.bodyAsJsonObject().getString("message"));
    }

    /** The params dyn-echo was called with, from its reply; and the call really reached lightningd. */
    static JsonObject echoed(HttpResponse<Buffer> r) {
        assertEquals(201, r.statusCode(), r.bodyAsString());
        JsonObject body = r.bodyAsJsonObject();
        assertEquals("dyn-echo", body.getString("method"));
        return body.getJsonObject("params");
    }

    static List<JsonObject> calls(String method) {
        return h.node.calls().stream().filter(c -> method.equals(c.getString("method"))).toList();
    }

    @Test
    void everyRegistrationAtInitSucceeded() {
        long ok = h.node.log().stream().filter(l -> l.contains("plugin-dynpaths: registered ") && l.endsWith("-> {}")).count();
        assertEquals(REGISTRATIONS.size(), ok, String.join("\n", h.node.log()));
    }

    @Test
    void runeFreeGetCapturesTheSegment() throws Exception {
        h.node.clearCalls();
        assertEquals(new JsonObject().put("user", "al ice"), echoed(send(HttpMethod.GET, "/v1/echo/al%20ice", null, null)));
        assertTrue(calls("checkrune").isEmpty(), "a rune-free GET asks nothing of checkrune");
        // The literal segment registered beside the capture wins, and lightningd's error comes back as 500.
        assertError(send(HttpMethod.GET, "/v1/echo/special", null, null), 500, 1234, "dyn-fail always fails");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
    void everyMethodMergesBodyAndCaptures(String method) throws Exception {
        h.node.clearCalls();
        JsonObject params = echoed(send(HttpMethod.valueOf(method), "/v1/echo/bob", rune, "{\"amount_msat\": 1152921504606846983}"));
        assertEquals("bob", params.getString("user"));
        assertEquals(new java.math.BigInteger("1152921504606846983"), new java.math.BigInteger(params.getValue("amount_msat").toString()));
        JsonObject check = calls("checkrune").get(0).getJsonObject("params");
        assertEquals("dyn-echo", check.getString("method"), "checkrune for the route's method by default");
        assertEquals("bob", check.getJsonObject("params").getString("user"), "and for the request's params");
    }

    @Test
    void runeRequiredRoutesRefuseWithoutAndWithBadRunes() throws Exception {
        h.node.clearCalls();
        assertError(send(HttpMethod.POST, "/v1/echo/bob", null, null), 403, 1501, "Not authorized: Missing rune");
        assertError(send(HttpMethod.GET, "/custom/1/x/2", null, null), 403, 1501, "Not authorized: Missing rune");
        String forbids = h.node.createRune(new JsonArray().add(new JsonArray().add("method=getinfo")));
        assertError(send(HttpMethod.POST, "/v1/echo/bob", forbids, null), 401, 1502, "Not permitted: method is not equal to getinfo");
        assertTrue(calls("dyn-echo").isEmpty(), "refused requests never reach the method");
        assertEquals(new JsonObject().put("a", "1").put("b", "2"), echoed(send(HttpMethod.GET, "/custom/1/x/2", rune, null)));
    }

    @Test
    void duplicateKeyBetweenPathAndBody() throws Exception {
        h.node.clearCalls();
        assertError(send(HttpMethod.POST, "/v1/echo/bob", rune, "{\"user\": \"eve\"}"), 406, -32602, "Duplicate key: user");
        assertTrue(calls("dyn-echo").isEmpty());
    }

    @Test
    void runeRestrictionsReplaceMethodAndAddNodeid() throws Exception {
        String payOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("method=pay")));
        String getinfoOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("method=getinfo")));
        h.node.clearCalls();
        assertEquals(new JsonObject().put("amount", 1), echoed(send(HttpMethod.POST, "/v1/superpay", payOnly, "{\"amount\": 1}")));
        assertEquals("pay", calls("checkrune").get(0).getJsonObject("params").getString("method"));
        assertError(send(HttpMethod.POST, "/v1/superpay", getinfoOnly, null), 401, 1502, "Not permitted: method is not equal to getinfo");

        String otherNodeOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("id=" + OTHER_NODE)));
        String ourNodeOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("id=" + h.node.nodeId())));
        h.node.clearCalls();
        echoed(send(HttpMethod.POST, "/v1/nodebound", otherNodeOnly, null));
        assertEquals(OTHER_NODE, calls("checkrune").get(0).getJsonObject("params").getString("nodeid"));
        assertError(send(HttpMethod.POST, "/v1/nodebound", ourNodeOnly, null), 401, 1502, "Not permitted: id is not equal to " + h.node.nodeId());
    }

    @Test
    void unregisteredMethodOnARegisteredPathIs405() throws Exception {
        assertError(send(HttpMethod.GET, "/v1/superpay", rune, null), 405, -32601, "Dynamic path: v1/superpay has no http_method:GET registered");
        // As upstream: the best path decides, even when a less literal one has the method; the message names the
        // requested path, not the registered pattern.
        assertError(send(HttpMethod.POST, "/v1/echo/special", rune, null), 405, -32601, "Dynamic path: v1/echo/special has no http_method:POST registered");
        assertError(send(HttpMethod.DELETE, "/custom/a%20b/x/2", rune, null), 405, -32601, "Dynamic path: custom/a b/x/2 has no http_method:DELETE registered");
        // Paths nobody registered keep the generic rules.
        assertError(send(HttpMethod.GET, "/v1/getinfo", rune, null), 405, -32601, "Path invalid, http_method must be POST for CLN methods");
        assertError(send(HttpMethod.GET, "/nothing/here", rune, null), 404, -32601, "Path not found");
        assertEquals(201, send(HttpMethod.POST, "/v1/getinfo", rune, null).statusCode());
    }

    /** Upstream's tests/test_clnrest.py (test_dynamic_path_matching, _conflicts, _rune) against its test plugin's paths. */
    @Test
    void upstreamsTestPluginBehavesAsUpstreamsTestsExpect() throws Exception {
        String payOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("method=pay")));
        String notPay = h.node.createRune(new JsonArray().add(new JsonArray().add("method=notpay")));
        assertError(send(HttpMethod.GET, "/test/dynamic/clnrest", rune, null), 405, -32601,
                "Dynamic path: test/dynamic/clnrest has no http_method:GET registered");
        echoed(send(HttpMethod.POST, "/test/dynamic/clnrest", payOnly, null));
        assertError(send(HttpMethod.POST, "/test/dynamic/clnrest", notPay, null), 401, 1502, "Not permitted: method is not equal to notpay");
        echoed(send(HttpMethod.PATCH, "/test/dynamic/clnrest", payOnly, null));
        echoed(send(HttpMethod.DELETE, "/test/dynamic/clnrest", payOnly, null));
        echoed(send(HttpMethod.GET, "/test/no/rune_required", null, null));
        // No restrictions: the rune is checked against the registered method itself.
        String echoOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("method=dyn-echo")));
        h.node.clearCalls();
        echoed(send(HttpMethod.POST, "/test/no/rune_restrictions", echoOnly, null));
        assertEquals("dyn-echo", calls("checkrune").get(0).getJsonObject("params").getString("method"));
        assertError(send(HttpMethod.POST, "/test/no/rune_restrictions", payOnly, null), 401, 1502, "Not permitted: method is not equal to pay");
        // A nodeid restriction goes to checkrune as the caller's node id: a rune bound to our own node is refused.
        String ourNodeOnly = h.node.createRune(new JsonArray().add(new JsonArray().add("id=" + h.node.nodeId())));
        h.node.clearCalls();
        assertError(send(HttpMethod.POST, "/invalid/nodeid", ourNodeOnly, null), 401, 1502, "Not permitted: id is not equal to " + h.node.nodeId());
        assertEquals(UPSTREAM_NODEID, calls("checkrune").get(0).getJsonObject("params").getString("nodeid"));
        echoed(send(HttpMethod.POST, "/invalid/nodeid", rune, null));
        h.node.clearCalls();
        assertEquals(new JsonObject().put("version", "2").put("capture", "ct1"), echoed(send(HttpMethod.GET, "/v2/ct1/go", rune, null)));
        assertEquals(new JsonObject().put("amount_msat", 9999), calls("checkrune").get(0).getJsonObject("params").getJsonObject("params"),
                "the registered restriction's params go to checkrune");

        assertRefused(new JsonObject().put("path", "v{version}/{capture}/go").put("rpc_method", "x").put("http_method", "GET"),
                "Conflicting path 'v{version}/{capture}/go' already exists with http_method: GET");
        assertRefused(new JsonArray().add("v1/{capture}/go").add("x").add("GET"), "Conflicting path 'v1/{capture}/go' already exists with http_method: GET");
        for (String path : List.of("v1/{capture}/go", "v1/keys/{keyset_id}", "v1/keys")) {
            assertEquals(new JsonObject(), h.node.call("clnrest-register-path", new JsonArray().add(path).add("dyn-echo")).getJsonObject("result"), path);
        }
        assertRefused(new JsonArray().add("v1/keys/{keyset_id}").add("x").add("PATCH").add(false),
                "rune_required must be true for anything but GET requests");
        assertEquals(new JsonObject().put("version", "7").put("capture", "x"), echoed(send(HttpMethod.POST, "/v7/x/go", rune, null)),
                "the POST joined the first pattern, with its capture names, as upstream");
    }

    @Test
    void registrationErrorsReachTheCaller() throws Exception {
        assertRefused(new JsonObject().put("path", "/").put("rpc_method", "x"), "Path must not be root");
        assertRefused(new JsonObject().put("path", "///").put("rpc_method", "x"), "Path must not be empty");
        assertRefused(new JsonObject().put("path", "/v1/files/{*rest}").put("rpc_method", "x"), "Wildcards not supported");
        assertRefused(new JsonObject().put("path", "/v1/echo/{name}").put("rpc_method", "x").put("http_method", "GET"),
                "Conflicting path 'v1/echo/{name}' already exists with http_method: GET");
        assertRefused(new JsonObject().put("path", "/v1/x").put("rpc_method", "x").put("http_method", "OPTIONS"),
                "OPTIONS is not a supported http method!");
        assertRefused(new JsonObject().put("path", "/v1/x").put("rpc_method", "x").put("http_method", "GET").put("rune_required", "no"),
                "rune_required must be a boolean");
        assertRefused(new JsonObject().put("path", "/v1/x").put("rpc_method", "x").put("rune_required", false),
                "rune_required must be true for anything but GET requests");
        assertRefused(new JsonArray().add("/v1/x"), "rpc_method is required");
    }

    static void assertRefused(Object params, String message) throws Exception {
        JsonObject reply = h.node.call("clnrest-register-path", params);
        JsonObject error = reply.getJsonObject("error");
        assertEquals(message, error == null ? null : error.getString("message"), reply.encode());
        assertEquals(-32700, error.getInteger("code"));
    }

    @Test
    void openApiListsDynamicPathsAsTheyAreRegistered() throws Exception {
        JsonObject doc = send(HttpMethod.GET, "/openapi.json", null, null).bodyAsJsonObject();
        JsonObject echo = doc.getJsonObject("paths").getJsonObject("/v1/echo/{user}");
        assertEquals(List.of("get", "post", "put", "patch", "delete"), List.copyOf(echo.fieldNames()));
        JsonObject get = echo.getJsonObject("get");
        assertEquals(new JsonArray(), get.getJsonArray("security"), "rune-free GET");
        assertEquals("user", get.getJsonArray("parameters").getJsonObject(0).getString("name"));
        assertEquals("path", get.getJsonArray("parameters").getJsonObject(0).getString("in"));
        assertEquals("rune", echo.getJsonObject("post").getJsonArray("security").getJsonObject(0).fieldNames().iterator().next());
        assertFalse(doc.getJsonObject("paths").containsKey("/v1/later/{id}"));

        JsonObject reply = h.node.call("clnrest-register-path",
                new JsonObject().put("path", "/v1/later/{id}").put("rpc_method", "dyn-echo").put("http_method", "GET").put("rune_required", false));
        assertEquals(new JsonObject(), reply.getJsonObject("result"), reply.encode());
        doc = send(HttpMethod.GET, "/openapi.json", null, null).bodyAsJsonObject();
        assertTrue(doc.getJsonObject("paths").containsKey("/v1/later/{id}"), "listed once registered");
        assertTrue(send(HttpMethod.GET, "/openapi.yaml", null, null).bodyAsString().contains("/v1/later/{id}"));
        assertEquals(new JsonObject().put("id", "7"), echoed(send(HttpMethod.GET, "/v1/later/7", null, null)));
    }
}
