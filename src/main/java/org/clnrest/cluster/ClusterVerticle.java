package org.clnrest.cluster;

import java.util.List;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.auth.RefusalLog;
import org.clnrest.auth.RuneCheck;
import org.clnrest.auth.RuneId;
import org.clnrest.bus.Bus;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge to a clustered event bus (clnrest-cluster): every notification is re-published cluster-wide on
 * {@link Bus#CLUSTER_NOTIFICATION} as it arrives, and {@link Bus#CLUSTER_RPC} requests are rune-checked
 * exactly like REST calls ({@link RuneCheck}) before lightningd is called. The plugin's own bus stays local:
 * a second, clustered Vert.x instance carries only these two addresses. Deployed by class name, so no
 * Hazelcast class is loaded unless clustering is on.
 */
public class ClusterVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);

    private final RefusalLog refusals = new RefusalLog(LOG, "Refused a cluster call");
    private Vertx clustered;
    private Rpc rpc;
    private RuneCheck runes;

    @Override
    public void start(Promise<Void> started) {
        JsonObject c = config();
        rpc = new Rpc(vertx.eventBus());
        runes = new RuneCheck(rpc);
        long t0 = System.nanoTime();
        List<String> members = c.getJsonArray("members").stream().map(String::valueOf).toList();
        ClusterSetup.start(c.getString("host"), c.getInteger("port"), members, c.getString("config"))
                .compose(v -> {
                    clustered = v;
                    return clustered.eventBus().<JsonObject>consumer(Bus.CLUSTER_RPC, this::onRpc).completion();
                })
                .onSuccess(v -> {
                    vertx.eventBus().<Object>localConsumer(Bus.NOTIFICATION, this::forward);
                    LOG.info("Cluster event bus up on {}:{} in {} ms (members to join: {})", c.getString("host"),
                            c.getInteger("port"), (System.nanoTime() - t0) / 1_000_000, members);
                    started.complete();
                })
                .onFailure(e -> started.fail(new IllegalStateException("cannot start the cluster: " + e.getMessage(), e)));
    }

    private void forward(Message<Object> m) {
        DeliveryOptions headers = new DeliveryOptions()
                .addHeader(Bus.H_TOPIC, m.headers().get(Bus.H_TOPIC)).addHeader(Bus.H_SEQ, m.headers().get(Bus.H_SEQ));
        clustered.eventBus().publish(Bus.CLUSTER_NOTIFICATION, m.body(), headers);
    }

    /** {method, params} with a rune header: the same rune rules as a REST call, then the call. */
    private void onRpc(Message<JsonObject> m) {
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
                            : new JsonObject().put("result", io.vertx.core.json.Json.decodeValue(reply.resultBytes())));
                })
                .onFailure(e -> {
                    if (e instanceof RuneCheck.AuthFailure f) {
                        refusals.refused(method + " for rune #" + runeId, f.error().getValue("code"), f.error().getString("message"));
                        m.reply(new JsonObject().put("error", f.error()));
                    } else if (e instanceof RpcUnavailable u) {
                        m.reply(error(-32000, "lightningd is unavailable: " + u.getMessage()));
                    } else {
                        LOG.error("Cluster call {} failed: {}", method, e.getMessage());
                        m.reply(error(-32603, "Internal error in clnrest-vertx (see the plugin's log)"));
                    }
                });
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    @Override
    public void stop(Promise<Void> stopped) {
        if (clustered == null) {
            stopped.complete();
        } else {
            clustered.close().onComplete(ar -> stopped.complete());
        }
    }

}
