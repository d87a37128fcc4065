package org.clnrest.rpc;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;

/** Calls lightningd through the RPC client verticle: the one way the other verticles reach the node. */
public final class Rpc {
    private final EventBus bus;
    private final DeliveryOptions options;

    public Rpc(EventBus bus) {
        this.bus = bus;
        // The bus's own timeout must never fire before the RPC verticle's: it is a backstop only.
        this.options = new DeliveryOptions().setSendTimeout(24L * 3600 * 1000);
    }

    /**
     * Call {@code method}; params is a JsonObject, a JsonArray or null. Succeeds with lightningd's reply
     * (which may be an error reply); fails with {@link RpcUnavailable} when lightningd was not reached.
     */
    public Future<RpcReply> call(String method, Object params) {
        return call(method, params, 0);
    }

    public Future<RpcReply> call(String method, Object params, long timeoutMs) {
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
