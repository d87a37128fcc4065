package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;

import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;

/** A listinvoices reply of about 100 MB goes through the plugin (default launcher heap) whole and intact. */
class LargeReplyIT {

    @Test
    void aHundredMegabyteReplyIsServedWhole() throws Exception {
        int invoices = 240_000; // about 420 bytes each
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(b -> b.seededInvoices(invoices))) {
            String rune = h.node.createRune(null);
            var r = h.client(vertx).post("/v1/listinvoices").putHeader("Rune", rune).send()
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertEquals(201, r.statusCode(), () -> r.bodyAsString().substring(0, Math.min(500, r.bodyAsString().length())));
            assertTrue(r.body().length() > 95_000_000, "about 100 MB: " + r.body().length());
            var list = r.bodyAsJsonObject().getJsonArray("invoices");
            assertEquals(invoices, list.size());
            assertEquals("seed-" + (invoices - 1), list.getJsonObject(invoices - 1).getString("label"));
            // and the plugin is still there for the next caller
            var next = h.client(vertx).post("/v1/getinfo").putHeader("Rune", rune).send()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(201, next.statusCode());
        } finally {
            vertx.close().await();
        }
    }
}
