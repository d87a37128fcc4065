package org.clnrest.rpc;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.util.VertxInternals;

/**
 * Calls lightningd through the RPC client verticle: the one way the other verticles reach the node. A caller
 * on the client's event loop (the default: one event loop) calls it directly, with no bus message; any other
 * goes over {@link Bus#RPC_CALL}. Either way the reply arrives on the caller's context.
 */
public final class Rpc {
    private final EventBus bus;
    private final RpcClientVerticle local;
    private final DeliveryOptions options;

    /** Calls over the bus only (tests, and verticles in a process whose client is not at hand). */
    public Rpc(EventBus bus) {
        this(bus, null);
    }

    /** Calls {@code local} directly when the caller runs on its event loop, else over the bus. */
    public Rpc(EventBus bus, RpcClientVerticle local) {
        this.bus = bus;
        this.local = local;
        // The bus's own timeout must never fire before the RPC verticle's: it is a backstop only.
        this.options = new DeliveryOptions().setSendTimeout(24L * 3600 * 1000);
    }

    /**
     * Call {@code method}; params is a JsonObject, a JsonArray or null. Succeeds with lightningd's reply
     * (which may be an error reply); fails with {@link RpcUnavailable} when lightningd was not reached.
     */
    public Future<RpcReply> call(String method, Object params) {
        return call(method, params, 0, false);
    }

    public Future<RpcReply> call(String method, Object params, long timeoutMs) {
        return call(method, params, timeoutMs, false);
    }

    /**
     * As {@link #call(String, Object)}, but a large result may come as a stream ({@link RpcReply#isStreamed()}),
     * read from lightningd's socket as the caller reads it: for a caller that passes the result on untouched.
     * (Only for callers on the client's event loop; others get it whole.)
     */
    public Future<RpcReply> callStreaming(String method, Object params) {
        return call(method, params, 0, true);
    }

    private Future<RpcReply> call(String method, Object params, long timeoutMs, boolean mayStream) {
        if (local != null && local.onItsEventLoop()) {
            return VertxInternals.onCurrentContext(local.call(method, params, timeoutMs > 0 ? timeoutMs : -1, mayStream));
        }
        JsonObject body = new JsonObject().put(Bus.F_METHOD, method);
        if (params != null) {
            body.put(Bus.F_PARAMS, params);
        }
        DeliveryOptions opts = timeoutMs > 0
                ? new DeliveryOptions(options).addHeader(Bus.H_TIMEOUT, Long.toString(timeoutMs))
                : options;
        return bus.<RpcReply>request(Bus.RPC_CALL, body, opts)
                .map(m -> m.body())
                .recover(e -> {
                    if (e instanceof ReplyException r) {
                        return Future.failedFuture(new RpcUnavailable(r.getMessage(), r.failureCode() == Bus.FAIL_RPC_TIMEOUT));
                    }
                    return Future.failedFuture(e);
                });
    }
}
