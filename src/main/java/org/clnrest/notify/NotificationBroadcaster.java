package org.clnrest.notify;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;

import org.clnrest.bus.Bus;

/**
 * Upstream CLNRest's batching: every notification lightningd sends is queued as it arrives
 * ({@link Bus#NOTIFICATION}) and, once a second, the queue is published in arrival order as one
 * {@link Bus#NOTIFICATION_BATCH} for the Socket.IO side (and any other listener) to emit.
 * Config: {@code intervalMs} (default 1000).
 */
public class NotificationBroadcaster extends AbstractVerticle {
    private JsonArray queue = new JsonArray();

    @Override
    public void start() {
        long interval = config().getLong("intervalMs", 1000L);
        vertx.eventBus().<Object>localConsumer(Bus.NOTIFICATION, this::enqueue);
        vertx.setPeriodic(interval, interval, t -> flush());
    }

    private void enqueue(Message<Object> msg) {
        if (!"shutdown".equals(msg.headers().get(Bus.H_TOPIC))) {
            queue.add(msg.body());
        }
    }

    private void flush() {
        if (queue.isEmpty()) {
            return;
        }
        JsonArray batch = queue;
        queue = new JsonArray();
        vertx.eventBus().publish(Bus.NOTIFICATION_BATCH, batch);
    }
}
