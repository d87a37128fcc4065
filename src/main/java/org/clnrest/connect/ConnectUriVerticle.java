package org.clnrest.connect;

import java.nio.file.Files;
import java.nio.file.Path;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.auth.RuneId;
import org.clnrest.bus.Bus;
import org.clnrest.bus.RpcMethod;
import org.clnrest.plugin.RestConfig;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This plugin's RPC method {@code clnrest-connect-uri}: the {@link ConnectUri} for a given rune, or for a new
 * rune lightningd's {@code createrune} makes with the given restrictions (of the given rune, when both are
 * given). The URI holds secrets (the rune, the client key): it is the RPC reply, and is never logged.
 * Deployed at init with {@link RestConfig#toJson()}.
 */
public class ConnectUriVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectUriVerticle.class);
    /** This plugin's RPC method, served by {@link #onCall}. */
    public static final RpcMethod METHOD = new RpcMethod("clnrest-connect-uri", "[rune] [restrictions]",
            "A clnrest+https:// connection URI (host, port, rune, certificates) for a rune, or for a new rune with these restrictions");
    static final int BAD_PARAMS = -32602;

    private RestConfig config;
    private final Rpc rpc;

    public ConnectUriVerticle(Rpc rpc) {
        this.rpc = rpc;
    }

    @Override
    public void start() {
        config = RestConfig.fromJson(config());
        vertx.eventBus().<JsonObject>localConsumer(METHOD.address(), this::onCall);
    }

    private void onCall(Message<JsonObject> msg) {
        JsonObject params;
        try {
            params = params(msg.body().getValue(Bus.F_PARAMS));
        } catch (IllegalArgumentException e) {
            fail(msg, BAD_PARAMS, e.getMessage());
            return;
        }
        String host = config.connectHost();
        if (host == null) {
            fail(msg, -32000, "`clnrest-host` " + config.get(org.clnrest.plugin.Options.HOST)
                    + " is not an address a client can dial: set `clnrest-connect-host`");
            return;
        }
        rune(params).compose(created -> certificates().map(pems -> {
            String rune = created.getString("rune");
            JsonObject reply = new JsonObject()
                    .put("uri", ConnectUri.of(config.get(org.clnrest.plugin.Options.PROTOCOL), host, config.connectPort(), rune, pems))
                    .put("rune", rune).put("host", host).put("port", config.connectPort());
            created.fieldNames().stream().filter(f -> !f.equals("rune")).forEach(f -> reply.put(f, created.getValue(f)));
            LOG.info("Gave a connection URI for rune #{}{}", RuneId.of(rune), created.containsKey("unique_id") ? " (created)" : "");
            return reply;
        })).onSuccess(msg::reply).onFailure(e -> {
            if (e instanceof Refused r) {
                msg.fail(r.code, r.error.encode());
            } else {
                fail(msg, -32000, "Cannot make the connection URI: " + e.getMessage());
            }
        });
    }

    /** {rune?, restrictions?}, by name or by position; at least one. */
    static JsonObject params(Object raw) {
        JsonObject p;
        if (raw instanceof JsonArray a) {
            if (a.size() > 2) {
                throw new IllegalArgumentException("Too many parameters: usage is [rune] [restrictions]");
            }
            p = new JsonObject().put("rune", a.size() > 0 ? a.getValue(0) : null).put("restrictions", a.size() > 1 ? a.getValue(1) : null);
        } else {
            p = raw instanceof JsonObject o ? o : new JsonObject();
        }
        for (String k : p.fieldNames()) {
            if (!k.equals("rune") && !k.equals("restrictions")) {
                throw new IllegalArgumentException("Unknown parameter '" + k + "': usage is [rune] [restrictions]");
            }
        }
        if (p.getValue("rune") != null && !(p.getValue("rune") instanceof String)) {
            throw new IllegalArgumentException("rune must be a string");
        }
        if (p.getValue("rune") == null && p.getValue("restrictions") == null) {
            throw new IllegalArgumentException("Give a rune, or restrictions for a new rune (restrictions [] makes an unrestricted one)");
        }
        return p;
    }

    /** {rune}: the given one, or createrune's whole reply (rune, unique_id, warning). */
    private Future<JsonObject> rune(JsonObject p) {
        if (p.getValue("restrictions") == null) {
            return Future.succeededFuture(new JsonObject().put("rune", p.getString("rune")));
        }
        JsonObject req = new JsonObject().put("restrictions", p.getValue("restrictions"));
        if (p.getValue("rune") != null) {
            req.put("rune", p.getString("rune"));
        }
        return rpc.call("createrune", req).compose(ConnectUriVerticle::created);
    }

    private static Future<JsonObject> created(RpcReply reply) {
        return reply.isError() ? Future.failedFuture(new Refused(reply.error())) : Future.succeededFuture(reply.resultObject());
    }

    /** The three PEM texts (client key, client certificate, CA) over https; null over http. */
    private Future<String[]> certificates() {
        if (!config.https()) {
            return Future.succeededFuture(null);
        }
        Path dir = config.certsDir();
        return vertx.executeBlocking(() -> new String[]{
                Files.readString(dir.resolve("client-key.pem")), Files.readString(dir.resolve("client.pem")),
                Files.readString(dir.resolve("ca.pem"))}, false);
    }

    private static void fail(Message<JsonObject> msg, int code, String message) {
        msg.fail(code, new JsonObject().put("code", code).put("message", message).encode());
    }

    /** lightningd refused the createrune: its error goes back as is. */
    private static final class Refused extends RuntimeException {
        final JsonObject error;
        final int code;

        Refused(JsonObject error) {
            super(error.getString("message"), null, false, false);
            this.error = error;
            this.code = error.getInteger("code", -1);
        }
    }
}
