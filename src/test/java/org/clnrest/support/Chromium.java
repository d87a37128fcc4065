package org.clnrest.support;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;


/** Debian's headless Chromium driven over the DevTools protocol (a WebSocket): load pages, run JS, await conditions. */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket ws) {
        this.process = process;
        this.profile = profile;
        this.ws = ws;
        ws.textMessageHandler(text -> {
            JsonObject msg = new JsonObject(text);
            CompletableFuture<JsonObject> f = msg.containsKey("id") ? pending.remove(msg.getInteger("id")) : null;
            if (f != null) {
                f.complete(msg);
            }
        });
    }

    /** base64(sha256(SubjectPublicKeyInfo)) of the harness's server certificate: what {@link #start} trusts. */
    public static String spki(Harness h) throws Exception {
        try (InputStream in = Files.newInputStream(h.node.networkDir().resolve("server.pem"))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
        }
    }

    /** Start Chromium trusting only the server key whose SPKI hash is given (no blanket certificate bypass). */
    public static Chromium start(Vertx vertx, String spkiSha256Base64) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--ignore-certificate-errors-spki-list=" + spkiSha256Base64,
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "about:blank"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String wsUrl = null;
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = err.readLine()) != null) {
            int at = line.indexOf("ws://");
            if (line.startsWith("DevTools listening on") && at >= 0) {
                wsUrl = line.substring(at).trim();
                break;
            }
        }
        if (wsUrl == null) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium printed no DevTools address");
        }
        Thread drain = new Thread(() -> {
            try {
                while (err.read() >= 0) {
                    // keep Chromium's stderr pipe flowing
                }
            } catch (Exception ignored) {
                // closed with the process
            }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        java.net.URI browser = java.net.URI.create(wsUrl);
        // A page target: ask the browser endpoint for the list of targets over HTTP.
        var http = vertx.createHttpClient();
        JsonArray targets = http.request(io.vertx.core.http.HttpMethod.GET, browser.getPort(), "127.0.0.1", "/json/list")
                .compose(r -> r.send().compose(res -> res.body())).map(b -> new JsonArray(b)).await();
        String pageWs = targets.stream().map(o -> (JsonObject) o).filter(o -> "page".equals(o.getString("type")))
                .findFirst().orElseThrow().getString("webSocketDebuggerUrl");
        java.net.URI page = java.net.URI.create(pageWs);
        WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(page.getPort()).setURI(page.getPath())
                // Chromium refuses DevTools connections that carry an Origin header it was not told to allow.
                .setAllowOriginHeader(false)).await();
        return new Chromium(p, profile, ws);
    }

    public JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
        JsonObject reply = f.get(30, TimeUnit.SECONDS);
        if (reply.containsKey("error")) {
            throw new IllegalStateException(method + ": " + reply.getJsonObject("error"));
        }
        return reply.getJsonObject("result");
    }

    public void navigate(String url) throws Exception {
        send("Page.navigate", new JsonObject().put("url", url));
    }

    /** Evaluate an expression in the page; its value (JSON-able). */
    public Object eval(String expression) throws Exception {
        JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("JS failed: " + r.getJsonObject("exceptionDetails").encode());
        }
        return r.getJsonObject("result").getValue("value");
    }

    /** Re-evaluate {@code condition} until it is true: the page updates asynchronously, there is no event to await. */
    public void await(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(eval("!!(" + condition + ")"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + condition + "; page: "
                        + eval("(document.querySelector('.opblock') || document.body).innerText.slice(0, 3000)"));
            }
            Thread.sleep(50); // a polling interval between checks of the DOM, not a synchronisation
        }
    }

    @Override
    public void close() throws Exception {
        ws.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Harness.deleteTree(profile);
    }
}
