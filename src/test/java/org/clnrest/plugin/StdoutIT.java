package org.clnrest.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/**
 * stdout is lightningd's protocol and nothing else, even when the JVM itself has something to say: the
 * launcher gives the protocol a descriptor of its own and points the JVM's stdout at stderr.
 */
class StdoutIT {

    /**
     * A plugin with a 40 MiB heap sent a 12 MB body of a million keys (its default request memory, 64 MiB, is
     * more than that heap: buffering and reading the body exhaust it; how is not the point, only that the JVM dies
     * of it): the JVM's "Terminating due to java.lang.OutOfMemoryError" must reach lightningd as stderr, not as a
     * JSON-RPC message that does not parse.
     */
    @Test
    void outOfMemoryIsReportedOnStderrNeverOnStdout() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(b -> b.env("CLNREST_HEAP", "40m"))) {
            String rune = h.node.createRune(null);
            StringBuilder body = new StringBuilder(16_000_000).append('{');
            for (int i = 0; i < 1_000_000; i++) {
                body.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
            }
            body.append('}');
            Buffer big = Buffer.buffer(body.toString().getBytes(StandardCharsets.US_ASCII));
            // The plugin dies of it: the request fails, which is the point.
            h.client(vertx).post("/v1/getinfo").putHeader("Rune", rune).putHeader("Content-Type", "application/json")
                    .sendBuffer(big).toCompletionStage().toCompletableFuture().handle((r, e) -> null).get(120, TimeUnit.SECONDS);
            Process plugin = NodeInternals.pluginProcesses(h.node).get(0);
            assertTrue(plugin.waitFor(60, TimeUnit.SECONDS), "the plugin should have died of OutOfMemoryError");
            assertEquals(3, plugin.exitValue(), "ExitOnOutOfMemoryError's exit status");
            h.node.awaitLog(l -> l.startsWith("STDERR plugin-clnrest-vertx: ") && l.contains("Terminating due to java.lang.OutOfMemoryError"),
                    Duration.ofSeconds(30));
            h.node.awaitPluginStdoutEnd(0, Duration.ofSeconds(30));
            assertFalse(h.node.log().stream().anyMatch(l -> l.contains("does not parse")), String.join("\n", h.node.log()));
        } finally {
            vertx.close().await();
        }
    }
}
