package org.clnrest.net;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A new connection's hello must come within its deadline, else the connection is closed. Put first in the pipeline at
 * the accept, before anyone has heard of the connection. What counts as the hello is the gate's choice:
 * <ul>
 *   <li>the REST server: Vert.x telling of the connection ({@link #met}), after its TLS handshake, or without TLS once
 *       its first bytes tell HTTP/1.1 from h2c. A first byte is not enough: a connection that sent "P" (HTTP/2's
 *       preface starts "PRI") and stopped was waited for by Vert.x, and kept, forever;</li>
 *   <li>the event bus: its first byte (the bus's own TLS handshake deadline, or its protocol, take over), as Vert.x tells
 *       this project nothing of the bus's connections.</li>
 * </ul>
 */
final class HelloDeadline extends ChannelInboundHandlerAdapter {
    private final long ms;
    private final boolean firstByteIsHello;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    HelloDeadline(long ms, boolean firstByteIsHello) {
        this.ms = ms;
        this.firstByteIsHello = firstByteIsHello;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (firstByteIsHello) {
            met();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** The hello came: the deadline is over and the handler leaves the pipeline. On the channel's event loop. */
    void met() {
        cancel();
        if (ctx != null && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
