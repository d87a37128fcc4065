package org.clnrest.util;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Every use of Vert.x's internal API (packages {@code io.vertx.core.internal} and {@code impl}, which change between
 * releases without notice), in one place: a Vert.x upgrade checks this file, and {@code VertxInternalsTest} keeps it
 * the only one. Each is here because the public API has no way to do it without a copy or a hop:
 */
public final class VertxInternals {
    /** The loggers of Vert.x's clustered event bus (whose lines a stranger in the cluster can cause). */
    public static final String CLUSTERED_BUS_LOGGERS = "io.vertx.core.eventbus.impl.clustered";

    private VertxInternals() {
    }

    /**
     * Marks the request's body as read by a body handler, as vertx-web's own BodyHandler does (the contract's routes
     * check for one); false when it was already (a rerouted request: the body is read once).
     */
    public static boolean firstBodyRead(RoutingContext ctx) {
        RoutingContextInternal internal = (RoutingContextInternal) ctx;
        if (internal.seenHandler(RoutingContextInternal.BODY_HANDLER)) {
            return false;
        }
        internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
        return true;
    }

    /** The request's body, read by our own reader, where {@code ctx.body()} finds it. */
    public static void setBody(RoutingContext ctx, Buffer body) {
        ((RoutingContextInternal) ctx).setBody(body);
    }

    /** The netty buffer under a Vert.x buffer: to search or slice lightningd's replies without copying them. */
    public static ByteBuf byteBuf(Buffer b) {
        return ((BufferInternal) b).getByteBuf();
    }

    /** A Vert.x buffer over a netty one (a composite of slices), without a copy. */
    public static Buffer buffer(ByteBuf b) {
        return BufferInternal.buffer(b);
    }

    /**
     * The netty channel of an HTTP connection: its writability and high-water mark, which Vert.x reports a turn late,
     * and a hard close that frees what it holds at once ({@code notify.ChannelOutbound}).
     */
    public static Channel channel(HttpConnection connection) {
        return ((ConnectionBase) connection).channel();
    }

    /**
     * {@code f}'s outcome delivered on the calling thread's Vert.x context, if it has one (a direct RPC call made on
     * the client's own event loop completes there; its caller, on another context, gets it on its own), else as is.
     */
    public static <T> Future<T> onCurrentContext(Future<T> f) {
        ContextInternal caller = ContextInternal.current();
        if (caller == null) {
            return f;
        }
        PromiseInternal<T> p = caller.promise();
        f.onComplete(p);
        return p.future();
    }
}
