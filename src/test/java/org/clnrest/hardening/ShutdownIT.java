package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/**
 * lightningd's shutdown while calls are in flight (lightningd has stopped answering): every waiting client
 * gets a clean 503 saying so, not a reset connection, and the plugin exits 0 promptly.
 */
class ShutdownIT {

    @Test
    void inFlightCallsAreAnsweredThenThePluginExits() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start()) {
            WebClient client = h.client(vertx);
            String rune = h.node.createRune(null);
            h.node.clearCalls();
            h.node.silent(true);
            List<CompletableFuture<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(client.post("/v1/getinfo").putHeader("Rune", rune).send().toCompletionStage().toCompletableFuture());
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (h.node.calls().size() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the three rune checks have reached the (now silent) node
            }
            assertEquals(3, h.node.calls().size(), "the calls are waiting on lightningd");

            NodeInternals.notifyPlugins(h.node, "shutdown", new JsonObject());
            for (CompletableFuture<HttpResponse<Buffer>> f : inFlight) {
                HttpResponse<Buffer> r = f.get(10, TimeUnit.SECONDS);
                assertEquals(503, r.statusCode(), r.bodyAsString());
                assertEquals("lightningd is unavailable: lightningd is shutting down", r.bodyAsJsonObject().getString("message"));
            }
            Process plugin = NodeInternals.pluginProcesses(h.node).get(0);
            assertTrue(plugin.waitFor(10, TimeUnit.SECONDS), "the plugin exits");
            assertEquals(0, plugin.exitValue());
            assertTrue(h.node.log().stream().noneMatch(l -> l.contains("Lost a connection")), String.join("\n", h.node.log()));
        } finally {
            vertx.close().await();
        }
    }

}
