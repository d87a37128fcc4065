package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.clnrest.plugin.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /health as a load balancer or a supervisor uses it: no rune, 200 or 503, cheap for lightningd under a flood. */
class HealthIT {
    static Harness h;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start();
        http = h.jdkClient();
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    static HttpResponse<String> health() throws Exception {
        return h.send(http, "GET", "/health", null, null);
    }

    static long helpCalls() {
        return h.node.calls().stream().filter(c -> "help".equals(c.getString("method"))).count();
    }

    /** Ask until the answer has {@code status} (the cached state lasts a second), within 30 s. */
    static HttpResponse<String> awaitStatus(int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> r = health();
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling an HTTP endpoint for a state change: there is no event to await
            r = health();
        }
        return r;
    }

    @Test
    void upWithTheRoundTripAndTheSecurityHeadersWithoutARune() throws Exception {
        HttpResponse<String> r = health();
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("ok", body.getString("status"));
        assertTrue(body.getDouble("rpc_ms") >= 0, r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(Options.DEFAULT_CSP, r.headers().firstValue("Content-Security-Policy").orElse(""));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(200, h.send(http, "HEAD", "/health", null, null).statusCode());
        HttpResponse<String> post = h.send(http, "POST", "/health", null, "{}");
        assertEquals(405, post.statusCode());
        assertEquals("Method POST not allowed on this path", new JsonObject(post.body()).getString("message"));
    }

    @Test
    void aFloodCostsLightningdOneCheckASecond() throws Exception {
        awaitStatus(200);
        long before = helpCalls();
        long start = System.nanoTime();
        for (int round = 0; round < 30; round++) { // 300 requests, 10 at a time on kept-alive connections
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + h.port + "/health"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertEquals(200, f.get().statusCode());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long checks = helpCalls() - before;
        assertTrue(checks <= Math.ceil(seconds) + 1, checks + " checks for 300 requests in " + seconds + " s");
    }

    @Test
    void unavailableWhileLightningdsRpcIsGoneAndBackAfter() throws Exception {
        h.node.stopRpc();
        try {
            HttpResponse<String> down = awaitStatus(503);
            assertEquals(503, down.statusCode(), down.body());
            JsonObject body = new JsonObject(down.body());
            assertEquals("unavailable", body.getString("status"));
            assertFalse(body.getString("message").contains(h.dir.toString()), "no socket path for strangers: " + body);
        } finally {
            h.node.startRpc();
        }
        assertEquals(200, awaitStatus(200).statusCode());
    }
}
