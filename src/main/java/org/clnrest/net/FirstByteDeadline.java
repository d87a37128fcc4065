package org.clnrest.net;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A new connection's first byte must arrive within its deadline, else the connection is closed: until then Vert.x
 * has not told anyone of it (without TLS it waits for bytes to choose between HTTP/1.1 and h2c; a silent connection
 * used to be kept forever). Put first in the pipeline at the accept; gone at the first byte, when the TLS handshake
 * deadline and the connection guard's first-head deadline take over.
 */
final class FirstByteDeadline extends ChannelInboundHandlerAdapter {
    private final long ms;
    private ScheduledFuture<?> timer;

    FirstByteDeadline(long ms) {
        this.ms = ms;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        cancel();
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
