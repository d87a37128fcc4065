package org.clnrest.demo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** Routes a call to the plugin that registered the method, else to the node's own methods, on the node's threads. */
final class MethodRouter {
    private final NodeRpc rpc;
    private final PluginHost plugins;
    private Vertx vertx;
    /** One thread for checkrune when it has a cost (see {@link SimulatedLightningd.Builder#checkruneCost}). */
    private WorkerExecutor mainLoop;

    MethodRouter(NodeRpc rpc, PluginHost plugins) {
        this.rpc = rpc;
        this.plugins = plugins;
    }

    /** Start the node's threads: one event loop, two workers, and a main loop for a costly checkrune. */
    void start(boolean costlyCheckrune) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        if (costlyCheckrune) {
            mainLoop = vertx.createSharedWorkerExecutor("lightningd-main-loop", 1);
        }
    }

    Vertx vertx() {
        return vertx;
    }

    void close() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /**
     * A request read on the RPC socket: {@code done} gets, on the event loop, the result's JSON text or else
     * the error object, with lightningd's codes.
     */
    void answer(String method, Object params, BiConsumer<Buffer, JsonObject> done) {
        PluginProcess plugin = plugins.owner(method);
        if (plugin != null) {
            plugin.request(method, params == null ? new JsonObject() : params).thenAccept(resp -> vertx.runOnContext(v -> {
                if (resp.containsKey("error")) {
                    done.accept(null, resp.getJsonObject("error"));
                } else {
                    done.accept(Json.encodeToBuffer(resp.getValue("result")), null);
                }
            }));
            return;
        }
        // Node methods may be slow (a 100 MB listinvoices): off the event loop, replies in completion order.
        // A costly checkrune (its database write) runs one at a time on a thread of its own, as on lightningd's
        // main loop, without holding up the other methods.
        Future<Buffer> answer = mainLoop != null && "checkrune".equals(method)
                ? mainLoop.executeBlocking(() -> rpc.call(method, params), true)
                : vertx.executeBlocking(() -> rpc.call(method, params), false);
        answer.onComplete(ar -> {
            if (ar.succeeded()) {
                done.accept(ar.result(), null);
            } else if (ar.cause() instanceof RpcFailure f) {
                done.accept(null, f.error);
            } else if (ar.cause() instanceof Params.BadParams bp) {
                done.accept(null, new JsonObject().put("code", -32602).put("message", bp.getMessage()));
            } else {
                done.accept(null, new JsonObject().put("code", -32603).put("message", String.valueOf(ar.cause())));
            }
        });
    }

    /** Call a method of the node (or of a plugin) in-process, as lightning-cli would: the whole reply. */
    JsonObject call(String method, Object params) throws Exception {
        PluginProcess plugin = plugins.owner(method);
        if (plugin != null) {
            return plugin.request(method, params == null ? new JsonObject() : params).get(30, TimeUnit.SECONDS);
        }
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        vertx.<Buffer>executeBlocking(() -> rpc.call(method, params)).onComplete(ar -> {
            if (ar.succeeded()) {
                f.complete(new JsonObject().put("result", Json.decodeValue(ar.result())));
            } else if (ar.cause() instanceof RpcFailure rf) {
                f.complete(new JsonObject().put("error", rf.error));
            } else {
                f.complete(new JsonObject().put("error", new JsonObject().put("code", -32602).put("message", ar.cause().getMessage())));
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }
}
