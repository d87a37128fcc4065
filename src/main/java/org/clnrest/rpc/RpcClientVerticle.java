package org.clnrest.rpc;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

import org.clnrest.bus.Bus;
import org.clnrest.metrics.Metrics;
import org.clnrest.metrics.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks JSON-RPC to lightningd over the unix socket named by init's {@code rpc-file}: a small pool of
 * persistent connections, each carrying many calls at once. A lost connection fails its calls at once (never
 * a hang) and is replaced on the next call. Callers on this verticle's event loop (by default every verticle:
 * one event loop) are served by a direct call through {@link Rpc}; others over {@link Bus#RPC_CALL}.
 *
 * Config: {@code rpcFile} (path), {@code poolSize} (default 2), {@code timeoutMs} (0 = none; per call a
 * {@code timeout} header overrides it). Timeouts are checked twice a second.
 */
public class RpcClientVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClientVerticle.class);
    /** Connections beyond poolSize while others are busy streaming a large result. */
    static final int EXTRA_FOR_STREAMS = 8;

    private NetClient client; // a strong reference: a collected client closes its sockets
    private SocketAddress address;
    private int poolSize;
    private long defaultTimeoutMs;
    private final List<RpcConnection> pool = new ArrayList<>();
    private final List<Future<RpcConnection>> connecting = new ArrayList<>();
    private long nextId;
    private int roundRobin;
    private Thread loop;
    /** Set when lightningd says shutdown: calls in flight and new ones fail at once. */
    private boolean stopping;
    /** Metrics (no-ops unless clnrest-metrics-port is set; installed before this verticle starts). */
    private final Metrics metrics;
    private Stats stats;

    public RpcClientVerticle(Metrics metrics) {
        this.metrics = metrics;
    }

    /** The event loop's context this client runs on (a caller there calls it directly). */
    public io.vertx.core.Context context() {
        return context;
    }

    @Override
    public void start() {
        JsonObject conf = config();
        address = SocketAddress.domainSocketAddress(conf.getString("rpcFile"));
        poolSize = Math.max(1, conf.getInteger("poolSize", 2));
        defaultTimeoutMs = conf.getLong("timeoutMs", 0L);
        stats = metrics.stats();
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
        loop = Thread.currentThread();
        RpcReply.LocalCodec.register(vertx.eventBus());
        vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, this::onCall);
        // lightningd is going away: answer every waiting request now (503) rather than leave it to a reset.
        vertx.eventBus().<JsonObject>localConsumer(Bus.PLUGIN_STOPPING, m -> {
            stopping = true;
            List.copyOf(pool).forEach(c -> c.abort(SHUTTING_DOWN));
        });
        vertx.setPeriodic(500, t -> {
            long now = System.nanoTime();
            List.copyOf(pool).forEach(c -> c.expire(now));
        });
    }

    static final String SHUTTING_DOWN = "lightningd is shutting down";

    /** Whether the caller runs on this client's event loop: {@link Rpc} then calls it directly. */
    boolean onItsEventLoop() {
        return loop == Thread.currentThread();
    }

    private void onCall(Message<JsonObject> msg) {
        JsonObject body = msg.body();
        String t = msg.headers().get(Bus.H_TIMEOUT);
        call(body.getString(Bus.F_METHOD), body.getValue(Bus.F_PARAMS), t != null ? Long.parseLong(t) : -1, false)
                .onSuccess(msg::reply)
                .onFailure(e -> {
                    int code = e instanceof RpcUnavailable u && u.timeout() ? Bus.FAIL_RPC_TIMEOUT : Bus.FAIL_RPC_UNAVAILABLE;
                    msg.fail(code, e.getMessage());
                });
    }

    /**
     * Call {@code method} on lightningd (on this verticle's event loop). {@code timeoutMs} &lt; 0: the default.
     * Fails with {@link RpcUnavailable} when lightningd was not reached (or params are neither object nor array).
     */
    Future<RpcReply> call(String method, Object params, long timeoutMs, boolean mayStream) {
        if (params != null && !(params instanceof JsonObject) && !(params instanceof JsonArray)) {
            return Future.failedFuture(new RpcUnavailable("params must be an object or an array", false));
        }
        if (stopping) {
            return Future.failedFuture(new RpcUnavailable(SHUTTING_DOWN, false));
        }
        long timeout = timeoutMs >= 0 ? timeoutMs : defaultTimeoutMs;
        // lightningd shows the id in its logs: name the plugin and the method, then a counter.
        String id = "clnrest-vertx:" + method + "#" + (++nextId);
        long started = stats.rpcStart();
        RpcConnection ready = ready();
        Future<RpcReply> reply = ready != null ? ready.call(id, method, params, timeout, mayStream)
                : connection().compose(c -> c.call(id, method, params, timeout, mayStream));
        return reply.andThen(ar -> stats.rpcEnd(started, method,
                ar.failed() ? Stats.UNREACHED : ar.result().isError() ? ar.result().errorCode() : 0));
    }

    /**
     * An open connection to use at once: one with nothing in flight, else (the pool being full) the next in
     * turn; null when the pool should grow. Connections streaming a result take no calls.
     */
    private RpcConnection ready() {
        int usable = 0;
        for (RpcConnection c : pool) {
            if (!c.isClosed() && !c.streaming()) {
                if (c.inFlight() == 0) {
                    return c;
                }
                usable++;
            }
        }
        return usable == 0 || usable + connecting.size() < poolSize ? null : inTurn();
    }

    private RpcConnection inTurn() {
        List<RpcConnection> usable = pool.stream().filter(c -> !c.isClosed() && !c.streaming()).toList();
        return usable.isEmpty() ? null : usable.get(Math.floorMod(roundRobin++, usable.size()));
    }

    /** A live connection: the pool grows to poolSize as load needs (and past it while some stream results). */
    private Future<RpcConnection> connection() {
        pool.removeIf(RpcConnection::isClosed);
        long usable = pool.stream().filter(c -> !c.streaming()).count();
        if (usable + connecting.size() < poolSize && pool.size() + connecting.size() < poolSize + EXTRA_FOR_STREAMS) {
            return connect();
        }
        RpcConnection c = inTurn();
        if (c != null) {
            return Future.succeededFuture(c);
        }
        if (!connecting.isEmpty()) {
            return connecting.get(0);
        }
        if (!pool.isEmpty()) {
            return Future.succeededFuture(pool.get(Math.floorMod(roundRobin++, pool.size()))); // all streaming: wait behind one
        }
        return connect();
    }

    private Future<RpcConnection> connect() {
        Promise<RpcConnection> promise = Promise.promise();
        Future<RpcConnection> future = promise.future();
        connecting.add(future);
        client.connect(address).onComplete(ar -> {
            connecting.remove(future);
            if (ar.succeeded()) {
                RpcConnection[] self = new RpcConnection[1];
                self[0] = new RpcConnection(context, ar.result(), () -> {
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
