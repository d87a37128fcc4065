package org.clnrest.rpc;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

import org.clnrest.bus.Bus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks JSON-RPC to lightningd over the unix socket named by init's {@code rpc-file}. Serves
 * {@link Bus#RPC_CALL}: a small pool of persistent connections, each carrying many calls at once. A lost
 * connection fails its calls at once (never a hang) and is replaced on the next call.
 *
 * Config: {@code rpcFile} (path), {@code poolSize} (default 2), {@code timeoutMs} (0 = none; per call a
 * {@code timeout} header overrides it).
 */
public class RpcClientVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClientVerticle.class);

    private NetClient client; // a strong reference: a collected client closes its sockets
    private SocketAddress address;
    private int poolSize;
    private long defaultTimeoutMs;
    private final List<RpcConnection> pool = new ArrayList<>();
    private final List<Future<RpcConnection>> connecting = new ArrayList<>();
    private long nextId;
    private int roundRobin;
    /** Set when lightningd says shutdown: calls in flight and new ones fail at once. */
    private boolean stopping;

    @Override
    public void start() {
        JsonObject conf = config();
        address = SocketAddress.domainSocketAddress(conf.getString("rpcFile"));
        poolSize = Math.max(1, conf.getInteger("poolSize", 2));
        defaultTimeoutMs = conf.getLong("timeoutMs", 0L);
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
        RpcReply.LocalCodec.register(vertx.eventBus());
        vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, this::onCall);
        // lightningd is going away: answer every waiting request now (503) rather than leave it to a reset.
        vertx.eventBus().<JsonObject>localConsumer(Bus.PLUGIN_STOPPING, m -> {
            stopping = true;
            List.copyOf(pool).forEach(c -> c.abort(SHUTTING_DOWN));
        });
    }

    static final String SHUTTING_DOWN = "lightningd is shutting down";

    private void onCall(Message<JsonObject> msg) {
        JsonObject body = msg.body();
        String method = body.getString(Bus.F_METHOD);
        Object params = body.getValue(Bus.F_PARAMS);
        if (params != null && !(params instanceof JsonObject) && !(params instanceof JsonArray)) {
            msg.fail(400, "params must be an object or an array");
            return;
        }
        if (stopping) {
            msg.fail(Bus.FAIL_RPC_UNAVAILABLE, SHUTTING_DOWN);
            return;
        }
        String t = msg.headers().get(Bus.H_TIMEOUT);
        long timeoutMs = t != null ? Long.parseLong(t) : defaultTimeoutMs;
        // lightningd shows the id in its logs: name the plugin and the method, then a counter.
        String id = "clnrest-vertx:" + method + "#" + (++nextId);
        connection()
                .compose(c -> c.call(id, method, params, timeoutMs))
                .onSuccess(reply -> msg.reply(reply))
                .onFailure(e -> {
                    int code = e instanceof RpcUnavailable u && u.timeout() ? Bus.FAIL_RPC_TIMEOUT : Bus.FAIL_RPC_UNAVAILABLE;
                    msg.fail(code, e.getMessage());
                });
    }

    /** A live connection: open ones are shared round-robin; the pool grows to poolSize as load needs. */
    private Future<RpcConnection> connection() {
        pool.removeIf(RpcConnection::isClosed);
        for (RpcConnection c : pool) {
            if (c.inFlight() == 0) {
                return Future.succeededFuture(c);
            }
        }
        if (pool.size() + connecting.size() < poolSize) {
            return connect();
        }
        if (!pool.isEmpty()) {
            return Future.succeededFuture(pool.get(Math.floorMod(roundRobin++, pool.size())));
        }
        return connecting.get(0);
    }

    private Future<RpcConnection> connect() {
        Promise<RpcConnection> promise = Promise.promise();
        Future<RpcConnection> future = promise.future();
        connecting.add(future);
        client.connect(address).onComplete(ar -> {
            connecting.remove(future);
            if (ar.succeeded()) {
                RpcConnection[] self = new RpcConnection[1];
                self[0] = new RpcConnection(vertx, ar.result(), () -> {
                    pool.remove(self[0]);
                    if (!stopping) {
                        LOG.warn("Lost a connection to lightningd's RPC socket; the next call reconnects");
                    }
                });
                pool.add(self[0]);
                promise.complete(self[0]);
            } else {
                promise.fail(new RpcUnavailable("cannot connect to lightningd's RPC socket: " + ar.cause().getMessage(), false));
            }
        });
        return future;
    }

    @Override
    public void stop() {
        pool.forEach(RpcConnection::close);
    }
}
