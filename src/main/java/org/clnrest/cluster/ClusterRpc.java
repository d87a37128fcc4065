package org.clnrest.cluster;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import org.clnrest.auth.CallError;
import org.clnrest.auth.RuneCheck;
import org.clnrest.auth.RuneId;
import org.clnrest.bus.Bus;
import org.clnrest.rpc.Rpc;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests to this node's {@link Bus#clusterRpc} address: exactly the REST rules. No rune → 1501
 * {@code Not authorized: Missing rune}; {@code checkrune {rune, method, params}} through the plugin's one
 * {@link RuneCheck} (a rune of another node is refused by this node's lightningd, as over REST); only then is
 * the method called, and lightningd's result or error is the reply.
 */
final class ClusterRpc {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRpc.class);

    private final RateLimitedLog refusals;
    private final Rpc rpc;
    private final RuneCheck runes;

    ClusterRpc(io.vertx.core.Vertx vertx, Rpc rpc) {
        this.refusals = new RateLimitedLog(vertx, LOG, 10_000, false, 10);
        this.rpc = rpc;
        this.runes = new RuneCheck(rpc);
    }

    void handle(Message<JsonObject> m) {
        JsonObject body = m.body() == null ? new JsonObject() : m.body();
        String method = body.getString(Bus.F_METHOD);
        Object params = body.getValue(Bus.F_PARAMS);
        String rune = m.headers().get(Bus.H_RUNE);
        String runeId = RuneId.of(rune);
        if (method == null || method.isBlank()) {
            m.reply(error(-32602, "method is required"));
            return;
        }
        runes.check(rune, null, method, params)
                .compose(ok -> rpc.call(method, params))
                .onSuccess(reply -> {
                    LOG.debug("Cluster call {} with rune #{}", method, runeId);
                    m.reply(reply.isError() ? new JsonObject().put("error", reply.error())
                            : new JsonObject().put("result", Json.decodeValue(reply.resultBytes())));
                })
                .onFailure(e -> {
                    CallError error = CallError.of(e);
                    if (error.isRefusal()) {
                        refusals.log("Refused a cluster call (" + method + " for rune #" + runeId + "): Error code "
                                + error.error().getValue("code") + ": " + error.error().getString("message"));
                    } else if (error.kind() == CallError.Kind.INTERNAL) {
                        LOG.error("Cluster call {} failed: {}", method, CallError.logText(e));
                    }
                    m.reply(new JsonObject().put("error", error.error()));
                });
    }

    static JsonObject error(int code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }
}
