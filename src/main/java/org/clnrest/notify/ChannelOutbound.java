package org.clnrest.notify;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.http.HttpConnection;

import org.clnrest.util.VertxInternals;

/**
 * What a notification connection's netty channel really holds for a client: whether its outbound buffer (frames
 * queued, TLS's plain bytes waiting to be encrypted and the encrypted records) is under the high-water mark, a
 * hook for when it drains, and a hard close that frees all of it at once.
 *
 * Why not Vert.x's {@code writeQueueFull()}: it turns true only once Vert.x has queued 16 messages of its own,
 * after netty's "unwritable" event, which netty fires on a later turn. A batch written in one turn therefore went
 * all into netty, and TLS encrypted all of it into direct memory: 50 clients that stopped reading, sent 15 MB,
 * held 256 MiB of direct memory and the event loop slept in the JDK's allocator (issue 22). Netty's own flag is
 * set the moment the bytes are queued. And a client that is dropped for not reading would read no close frame:
 * a graceful close left its megabytes queued until the closing handshake gave up.
 */
final class ChannelOutbound extends ChannelInboundHandlerAdapter {
    private final Channel channel;
    private Runnable onWritable;

    private ChannelOutbound(Channel channel) {
        this.channel = channel;
    }

    /** The one per connection (installed on first use, with {@link FlushCoalescing}). */
    static ChannelOutbound of(HttpConnection connection) {
        Channel ch = VertxInternals.channel(connection);
        ChannelOutbound existing = ch.pipeline().get(ChannelOutbound.class);
        if (existing != null) {
            return existing;
        }
        ChannelOutbound o = new ChannelOutbound(ch);
        ch.pipeline().addFirst("channelOutbound", o);
        FlushCoalescing.on(ch.pipeline());
        return o;
    }

    /** Room under the outbound buffer's high-water mark (64 KiB): write now; otherwise wait for {@link #whenWritable}. */
    boolean writable() {
        return channel.isWritable() && channel.isActive();
    }

    /** Run {@code r} once, when the outbound buffer has drained under its low-water mark. */
    void whenWritable(Runnable r) {
        onWritable = r;
    }

    /** Close the connection now: whatever it still held is released (its writes fail, which gives their bytes back). */
    void abort() {
        onWritable = null;
        channel.close();
    }

    /** Hard-close {@code connection} (a poll's, a WebSocket's): nothing it holds waits for a reader that does not read. */
    static void abort(HttpConnection connection) {
        VertxInternals.channel(connection).close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.fireChannelWritabilityChanged();
        Runnable r = onWritable;
        if (r != null && ctx.channel().isWritable()) {
            onWritable = null;
            ctx.executor().execute(r); // after Vert.x has seen the event too
        }
    }
}
