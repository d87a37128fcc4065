package org.clnrest.plugin;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.bus.RpcMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's stdio bridge: JSON-RPC 2.0 with lightningd on stdin/stdout. It answers getmanifest itself,
 * hands init to the bootstrap over {@link Bus#PLUGIN_INIT}, publishes every notification on
 * {@link Bus#NOTIFICATION} in arrival order, and forwards calls of this plugin's own RPC methods to
 * {@link Bus#PLUGIN_RPC_METHOD}. {@code shutdown} and EOF on stdin end the process.
 */
public class PluginVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(PluginVerticle.class);

    private final InputStream in;
    private final StdioChannel out;
    private final Runnable onExit;
    /** The RPC methods this plugin adds to lightningd, each declared beside its handler; answered on its address. */
    private final List<RpcMethod> methods;
    private long seq;

    /**
     * @param onExit  what to do when lightningd says stop (shutdown) or goes away (EOF): the caller ends
     *                the process, gracefully.
     * @param methods the plugin's RPC methods, for the manifest (their verticles consume {@link RpcMethod#address()})
     */
    public PluginVerticle(InputStream in, StdioChannel out, Runnable onExit, List<RpcMethod> methods) {
        this.in = in;
        this.out = out;
        this.onExit = onExit;
        this.methods = List.copyOf(methods);
    }

    @Override
    public void start() {
        Context ctx = vertx.getOrCreateContext();
        Thread reader = new Thread(() -> readLoop(ctx), "lightningd-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    /** Blocking reads on a thread of its own; every message is handled on the verticle's event loop. */
    private void readLoop(Context ctx) {
        ObjectMapper mapper = io.vertx.core.json.jackson.DatabindCodec.mapper();
        try (MappingIterator<Map<String, Object>> it = mapper.readerFor(Map.class).readValues(in)) {
            while (it.hasNextValue()) {
                JsonObject msg = new JsonObject(it.nextValue());
                ctx.runOnContext(v -> onMessage(msg));
            }
        } catch (Exception e) {
            LOG.error("Cannot read from lightningd: {}", e.getMessage());
        }
        ctx.runOnContext(v -> {
            LOG.info("lightningd closed our stdin: exiting");
            onExit.run();
        });
    }

    private void onMessage(JsonObject msg) {
        String method = msg.getString("method");
        Object id = msg.getValue("id");
        if (method == null) {
            return; // a response: we never send requests to lightningd over stdio
        }
        if (id == null) {
            onNotification(method, msg.getValue("params"));
            return;
        }
        switch (method) {
            case "getmanifest" -> {
                org.clnrest.util.Uptime.log(LOG, "getmanifest");
                respond(id, manifest());
            }
            case "init" -> onInit(id, msg.getJsonObject("params", new JsonObject()));
            default -> forwardRpcMethod(id, method, msg.getValue("params"));
        }
    }

    JsonObject manifest() {
        JsonArray rpcMethods = new JsonArray();
        methods.forEach(m -> rpcMethods.add(m.manifest()));
        return new JsonObject()
                .put("options", Options.manifestOptions())
                .put("rpcmethods", rpcMethods)
                .put("subscriptions", new JsonArray().add("*"))
                .put("hooks", new JsonArray())
                .put("dynamic", true)
                .put("nonnumericids", true);
    }

    private void onInit(Object id, JsonObject params) {
        JsonObject request = new JsonObject()
                .put(Bus.F_OPTIONS, params.getJsonObject("options", new JsonObject()))
                .put(Bus.F_CONFIGURATION, params.getJsonObject("configuration", new JsonObject()));
        vertx.eventBus().<JsonObject>request(Bus.PLUGIN_INIT, request, new DeliveryOptions().setSendTimeout(55_000))
                .onSuccess(reply -> respond(id, reply.body()))
                .onFailure(e -> respond(id, new JsonObject().put(Bus.F_DISABLE, "init failed: " + e.getMessage())));
    }

    private void onNotification(String topic, Object params) {
        if ("shutdown".equals(topic)) {
            LOG.info("lightningd asked us to shut down");
            onExit.run();
            return;
        }
        // The params exactly as lightningd sent them, as upstream (the Python plugin and the Rust one) emits them:
        // {"<topic>": {...}} for lightningd's own topics, but another plugin's notification (pay's
        // pay_failure: {"origin", "payload", "pay_failure"}) as that plugin wrote it; wrapping it again under its
        // topic would hand clients a shape no other CLNRest gives.
        DeliveryOptions headers = new DeliveryOptions().addHeader(Bus.H_TOPIC, topic).addHeader(Bus.H_SEQ, Long.toString(++seq));
        vertx.eventBus().publish(Bus.NOTIFICATION, params, headers);
    }

    private void forwardRpcMethod(Object id, String method, Object params) {
        JsonObject body = new JsonObject().put("method", method).put("params", params);
        vertx.eventBus().<JsonObject>request(Bus.pluginRpcMethod(method), body)
                .onSuccess(reply -> respond(id, reply.body()))
                .onFailure(e -> respondError(id, errorOf(e, method)));
    }

    private JsonObject errorOf(Throwable e, String method) {
        if (e instanceof ReplyException r) {
            if (r.failureType() == ReplyFailure.NO_HANDLERS && declared(method)) {
                return new JsonObject().put("code", -32000).put("message", method + " is not available until clnrest-vertx has started");
            }
            if (r.failureType() == ReplyFailure.NO_HANDLERS) {
                return new JsonObject().put("code", -32601).put("message", "Unknown command '" + method + "'");
            }
            if (r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                try {
                    return new JsonObject(r.getMessage());
                } catch (RuntimeException notJson) {
                    return new JsonObject().put("code", r.failureCode()).put("message", r.getMessage());
                }
            }
        }
        return new JsonObject().put("code", -1).put("message", String.valueOf(e.getMessage()));
    }

    private boolean declared(String method) {
        return methods.stream().anyMatch(m -> m.name().equals(method));
    }

    private void respond(Object id, JsonObject result) {
        out.send(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result));
    }

    private void respondError(Object id, JsonObject error) {
        out.send(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error));
    }
}
