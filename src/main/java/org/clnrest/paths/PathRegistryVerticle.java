package org.clnrest.paths;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.bus.RpcMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the table of dynamic paths. It answers this plugin's RPC method {@code clnrest-register-path} (on its
 * {@link Bus#pluginRpcMethod} address), and publishes the whole table on
 * {@link Bus#PATHS_CHANGED} after each registration. Deployed before lightningd's init, because other
 * plugins may register their paths as soon as they are initialised themselves, before our HTTP server runs.
 */
public class PathRegistryVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(PathRegistryVerticle.class);
    /** This plugin's RPC method, served by {@link #onRpcMethod}. */
    public static final RpcMethod REGISTER_PATH = new RpcMethod("clnrest-register-path",
            "path rpc_method [http_method] [rune_required] [rune_restrictions]", "Register a dynamic REST path served by clnrest-vertx");
    /** The JSON-RPC error code upstream's schema gives for every refused registration. */
    static final int REGISTRATION_ERROR = -32700;

    private DynamicPaths table = DynamicPaths.empty();

    @Override
    public void start() {
        vertx.eventBus().<JsonObject>localConsumer(REGISTER_PATH.address(), this::onRpcMethod);
        vertx.eventBus().<Object>localConsumer(Bus.PATHS_LIST, m -> m.reply(table.toJson()));
    }

    private void onRpcMethod(Message<JsonObject> msg) {
        Object params = msg.body().getValue(Bus.F_PARAMS);
        try {
            table = table.register(params == null ? new JsonObject() : params);
        } catch (DynamicPaths.Invalid e) {
            LOG.info("Refused {}: {}", REGISTER_PATH.name(), e.getMessage());
            msg.fail(REGISTRATION_ERROR, new JsonObject().put("code", REGISTRATION_ERROR).put("message", e.getMessage()).encode());
            return;
        }
        DynamicPaths.Route r = table.routes().get(table.routes().size() - 1);
        LOG.info("Registered dynamic path {} /{} -> {}{}", r.httpMethod(), r.path(), r.rpcMethod(),
                r.runeRequired() ? "" : " (no rune required)");
        JsonArray snapshot = table.toJson();
        vertx.eventBus().publish(Bus.PATHS_CHANGED, snapshot);
        msg.reply(new JsonObject());
    }
}
