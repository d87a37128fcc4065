package org.clnrest.metrics;

import java.util.function.LongSupplier;

/**
 * What the notification side (Socket.IO, {@code org.clnrest.notify}) reports to the metrics. Get it with
 * {@code Metrics.stats().notifications()} when the verticle starts (after lightningd's init); every method is
 * cheap, may be called from any thread, and does nothing while metrics are off ({@link #NONE}).
 */
public interface NotificationStats {
    NotificationStats NONE = new NotificationStats() {};

    /** A client passed the rune check and is connected (gauge {@code clnrest_socketio_clients} +1). */
    default void clientConnected() {}

    /** A connected client went away, for whatever reason, a drop included (gauge -1). */
    default void clientDisconnected() {}

    /** A client was disconnected because it stopped reading ({@code clnrest_socketio_dropped_total}). */
    default void clientDropped() {}

    /** {@code count} notifications were handed to one client's transport ({@code clnrest_socketio_delivered_total}). */
    default void delivered(int count) {}

    /**
     * The bytes of notifications waiting for clients now, all clients together (WebSocket write queues, outboxes,
     * unanswered long-polls); read at each scrape ({@code clnrest_socketio_buffered_bytes}). Register once.
     */
    default void bufferedBytes(LongSupplier bytesNow) {}
}
