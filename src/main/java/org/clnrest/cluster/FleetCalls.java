package org.clnrest.cluster;

import java.util.function.Consumer;

import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;

/**
 * The observer's calls: {@code {"node", "rune", "method", "params"?, "id"?}} sent to that node's
 * {@link Bus#clusterRpc} address, each answered by exactly one {@code {"event":"reply",...}} line: the node's
 * reply, or a JSON-RPC error naming why the node was not reached ({@link Bus#CLUSTER_NODE_ABSENT} at once when
 * it is known to have left or nothing serves its address, {@link Bus#CLUSTER_NODE_TIMEOUT} after the timeout,
 * {@link Bus#CLUSTER_NODE_UNREACHABLE} when its connection failed).
 */
final class FleetCalls {
    private final EventBus bus;
    private final Directory directory;
    private final long timeoutMs;
    private final Consumer<JsonObject> out;

    FleetCalls(EventBus bus, Directory directory, long timeoutMs, Consumer<JsonObject> out) {
        this.bus = bus;
        this.directory = directory;
        this.timeoutMs = timeoutMs;
        this.out = out;
    }

    void call(JsonObject req) {
        String node = req.getString("node");
        String method = req.getString("method");
        JsonObject reply = new JsonObject().put("event", "reply").put("node", node).put("method", method);
        if (req.containsKey("id")) {
            reply.put("id", req.getValue("id"));
        }
        if (node == null || node.isBlank()) {
            out.accept(reply.put("reply", ClusterRpc.error(-32602, "node is required: the id of the node to call (see {\"command\":\"nodes\"})")));
            return;
        }
        if (directory.hasLeft(node)) {
            out.accept(reply.put("reply", ClusterRpc.error(Bus.CLUSTER_NODE_ABSENT, "Node " + node + " has left the cluster")));
            return;
        }
        DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeoutMs);
        if (req.getString("rune") != null) {
            o.addHeader(Bus.H_RUNE, req.getString("rune"));
        }
        JsonObject body = new JsonObject().put(Bus.F_METHOD, method).put(Bus.F_PARAMS, req.getValue("params"));
        Promise<JsonObject> answer = Promise.promise();
        directory.track(node, answer);
        bus.<JsonObject>request(Bus.clusterRpc(node), body, o)
                .onComplete(ar -> answer.tryComplete(ar.succeeded() ? body(ar.result()) : failure(node, ar.cause())));
        answer.future().onSuccess(r -> {
            directory.untrack(node, answer);
            out.accept(reply.put("reply", r));
        });
    }

    private static JsonObject body(Message<JsonObject> m) {
        return m.body() == null ? ClusterRpc.error(-32603, "empty reply") : m.body();
    }

    private JsonObject failure(String node, Throwable cause) {
        if (cause instanceof ReplyException r) {
            switch (r.failureType()) {
                case NO_HANDLERS:
                    return ClusterRpc.error(Bus.CLUSTER_NODE_ABSENT, "Node " + node + " is not in the cluster (nothing serves "
                            + Bus.clusterRpc(node) + ")");
                case TIMEOUT:
                    return ClusterRpc.error(Bus.CLUSTER_NODE_TIMEOUT, "Node " + node + " did not answer within " + timeoutMs / 1000 + " s");
                default:
                    break;
            }
        }
        return ClusterRpc.error(Bus.CLUSTER_NODE_UNREACHABLE, "Node " + node + " cannot be reached: " + cause.getMessage());
    }
}
