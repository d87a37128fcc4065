package org.clnrest.notify;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * One flush per WebSocket per event-loop turn. Vert.x flushes every frame written outside a read (as a batch's
 * are, from the one-second timer), so a batch of eight notifications cost each client eight TLS records and
 * eight {@code write} syscalls: with 1,000 clients, 8,000 of each per second. Netty's
 * {@link FlushConsolidationHandler}, between TLS and the WebSocket encoder, holds those flushes until the turn
 * ends, so TLS wraps a client's frames together and the kernel gets one write (bench {@code fanout}).
 * {@code WebSocketInternal} is Vert.x 5's SPI for such extensions; nothing else here touches netty.
 */
final class FlushCoalescing {
    private FlushCoalescing() {}

    static ServerWebSocket on(ServerWebSocket ws) {
        if (ws instanceof WebSocketInternal internal) {
            ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
            FlushConsolidationHandler handler = new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
            if (pipeline.get("ssl") != null) {
                pipeline.addAfter("ssl", "flushCoalescing", handler);
            } else {
                pipeline.addFirst("flushCoalescing", handler);
            }
        }
        return ws;
    }
}
