package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;

import org.clnrest.bus.Bus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class NotificationBroadcasterTest {

    @Test
    void notificationsOfOneTickArriveAsOneBatchInArrivalOrder(Vertx vertx, VertxTestContext ctx) throws Exception {
        vertx.deployVerticle(new NotificationBroadcaster(), new DeploymentOptions().setConfig(new JsonObject().put("intervalMs", 200)))
                .await();
        long big = 1L << 62;
        JsonArray expected = new JsonArray();
        for (int i = 0; i < 50; i++) {
            expected.add(new JsonObject().put("invoice_creation", new JsonObject().put("msat", big + i).put("label", "l" + i)));
        }
        JsonArray received = new JsonArray();
        // Batches may split at a tick boundary: what counts is all of them, in order, nothing twice or extra.
        vertx.eventBus().<JsonArray>consumer(Bus.NOTIFICATION_BATCH, m -> ctx.verify(() -> {
            received.addAll(m.body());
            if (received.size() >= expected.size()) {
                assertEquals(expected, received, "every notification, once, in arrival order, msat exact");
                ctx.completeNow();
            }
        }));
        // shutdown first: were it broadcast, it would lead the batch
        vertx.eventBus().publish(Bus.NOTIFICATION, new JsonObject().put("shutdown", new JsonObject()),
                new DeliveryOptions().addHeader(Bus.H_TOPIC, "shutdown"));
        for (int i = 0; i < expected.size(); i++) {
            vertx.eventBus().publish(Bus.NOTIFICATION, expected.getJsonObject(i),
                    new DeliveryOptions().addHeader(Bus.H_TOPIC, "invoice_creation"));
        }
        ctx.awaitCompletion(5, TimeUnit.SECONDS);
    }
}
