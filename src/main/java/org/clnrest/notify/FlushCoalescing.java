package org.clnrest.notify;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One flush per WebSocket per event-loop turn. Vert.x flushes every frame written outside a read (as a batch's
 * are, from the one-second timer), so a batch of ten notifications cost each client ten TLS records and ten
 * {@code write} syscalls: with 1,000 clients, 10,000 of each per second. Netty's {@link FlushConsolidationHandler},
 * between TLS and the WebSocket codec, holds those flushes until the turn ends, so TLS wraps a client's frames
 * together and the kernel gets one write (bench {@code fanout}). Vert.x offers no public way to the pipeline (and
 * vertx-web wraps the WebSocket), so this goes through the connection's netty channel: the one place netty is touched.
 */
final class FlushCoalescing {
    private FlushCoalescing() {}

    /** On the connection of an accepted WebSocket (the same channel as its HTTP request's). */
    static void on(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(FlushConsolidationHandler.class) != null) {
                return;
            }
            FlushConsolidationHandler handler = new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
            if (pipeline.get("ssl") != null) {
                pipeline.addAfter("ssl", "flushCoalescing", handler);
            } else {
                pipeline.addFirst("flushCoalescing", handler);
            }
        }
    }
}
