package org.clnrest.notify;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;

/**
 * Small WebSocket frames flushed once per event-loop turn. Vert.x flushes every frame written outside a read (as a
 * batch's are, from the one-second timer), so a batch of ten notifications cost each client ten TLS records and
 * ten {@code write} syscalls: with 1,000 clients, 10,000 of each per second. Between TLS and the WebSocket codec,
 * this handler holds a flush until the turn ends, so TLS wraps a client's frames together and the kernel gets one
 * write (bench {@code fanout}: 53,600 writes became 3,600). Once 64 KiB wait unflushed it flushes at once, as
 * before: large notifications are encrypted (and their plain bytes freed) frame by frame, not all together at the
 * end of the turn, which for 50 clients taking 256 KiB frames doubled the memory in flight (HostileClientIT).
 * Vert.x offers no public way to the pipeline (and vertx-web wraps the WebSocket), so this goes through the
 * connection's netty channel ({@link ChannelOutbound#of} installs it).
 */
final class FlushCoalescing extends ChannelDuplexHandler {
    static final int FLUSH_AT_BYTES = 64 * 1024;

    private int unflushed;
    private boolean held;
    private boolean scheduled;

    private FlushCoalescing() {}

    /** On the pipeline of an accepted WebSocket's connection (the same channel as its HTTP request's). */
    static void on(ChannelPipeline pipeline) {
        if (pipeline.get(FlushCoalescing.class) != null) {
            return;
        }
        if (pipeline.get("ssl") != null) {
            pipeline.addAfter("ssl", "flushCoalescing", new FlushCoalescing());
        } else {
            pipeline.addFirst("flushCoalescing", new FlushCoalescing());
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            unflushed += b.readableBytes();
        } else if (msg instanceof ByteBufHolder h) {
            unflushed += h.content().readableBytes();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (unflushed >= FLUSH_AT_BYTES) {
            flushNow(ctx);
            return;
        }
        held = true;
        if (!scheduled) {
            scheduled = true;
            ctx.executor().execute(() -> {
                scheduled = false;
                if (held) {
                    flushNow(ctx);
                }
            });
        }
    }

    private void flushNow(ChannelHandlerContext ctx) {
        unflushed = 0;
        held = false;
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (held) {
            flushNow(ctx);
        }
        ctx.close(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (held) {
            flushNow(ctx);
        }
        ctx.disconnect(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held) {
            flushNow(ctx);
        }
    }
}
