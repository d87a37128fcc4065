package org.clnrest.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@link Stats} on a Micrometer registry. Labels stay bounded whatever strangers send: a REST request is
 * labelled with the RPC method only once lightningd has run it (after the rune check; an unknown command is
 * {@code unknown}), and {@code -} otherwise; RPC calls are labelled with the method lightningd ran.
 */
final class MicrometerStats implements Stats, NotificationStats {
    private final MeterRegistry registry;
    private final AtomicInteger rpcInFlight = new AtomicInteger();
    private final AtomicInteger clients = new AtomicInteger();
    private final Counter dropped;
    private final Counter delivered;
    final Counter received;
    final Counter broadcast;

    MicrometerStats(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("clnrest.rpc.in.flight", rpcInFlight, AtomicInteger::get)
                .description("Calls to lightningd waiting for their reply").register(registry);
        Gauge.builder("clnrest.socketio.clients", clients, AtomicInteger::get)
                .description("Notification clients (Socket.IO and plain WebSocket) connected (rune checked)").register(registry);
        dropped = Counter.builder("clnrest.socketio.dropped").description("Notification clients (Socket.IO and plain WebSocket) disconnected for not reading").register(registry);
        delivered = Counter.builder("clnrest.socketio.delivered").description("Notifications handed to notification clients (Socket.IO and plain WebSocket), one per client").register(registry);
        received = Counter.builder("clnrest.notifications.received").description("Notifications received from lightningd").register(registry);
        broadcast = Counter.builder("clnrest.notifications.broadcast").description("Notifications passed on to the Socket.IO side").register(registry);
    }

    @Override
    public long rpcStart() {
        rpcInFlight.incrementAndGet();
        return System.nanoTime();
    }

    @Override
    public void rpcEnd(long start, String method, int errorCode) {
        rpcInFlight.decrementAndGet();
        long nanos = System.nanoTime() - start;
        if (method.equals("checkrune")) {
            String outcome = errorCode == 0 ? "allowed" : errorCode == UNREACHED ? "unreached" : "refused";
            timer("clnrest.checkrune", "checkrune calls to lightningd", "outcome", outcome, null, null).record(nanos, TimeUnit.NANOSECONDS);
            return;
        }
        String label = errorCode == -32601 ? "unknown" : method;
        String outcome = errorCode == 0 ? "result" : errorCode == UNREACHED ? "unreached" : "error";
        timer("clnrest.rpc", "Calls to lightningd (checkrune apart)", "method", label, "outcome", outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Handler<RoutingContext> restHandler() {
        return ctx -> {
            if (ctx.get(START) == null && !ctx.request().path().startsWith("/socket.io/")) {
                long start = System.nanoTime();
                ctx.put(START, start);
                ctx.addEndHandler(ar -> {
                    Object ran = ctx.get(RAN_KEY);
                    timer("clnrest.requests", "REST requests, by the RPC method lightningd ran and the status",
                            "method", ran == null ? "-" : ran.toString(), "status", Integer.toString(ctx.response().getStatusCode()))
                            .record(Duration.ofNanos(System.nanoTime() - start));
                });
            }
            ctx.next();
        };
    }

    private static final String START = "clnrest.metrics.start";

    /** Timers by name and label values, looked up once (the registry's own lookup builds an id per call). */
    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    private Timer timer(String name, String description, String k1, String v1, String k2, String v2) {
        return timers.computeIfAbsent(name + '\n' + v1 + '\n' + v2, k -> {
            Timer.Builder b = Timer.builder(name).description(description).tag(k1, v1);
            if (k2 != null) {
                b.tag(k2, v2);
            }
            return b.register(registry);
        });
    }

    @Override
    public NotificationStats notifications() {
        return this;
    }

    @Override
    public void clientConnected() {
        clients.incrementAndGet();
    }

    @Override
    public void clientDisconnected() {
        clients.decrementAndGet();
    }

    @Override
    public void clientDropped() {
        dropped.increment();
    }

    @Override
    public void delivered(int count) {
        delivered.increment(count);
    }

    @Override
    public void bufferedBytes(LongSupplier bytesNow) {
        Gauge.builder("clnrest.socketio.buffered.bytes", bytesNow, s -> (double) s.getAsLong())
                .description("Bytes of notifications waiting for Socket.IO and WebSocket clients").baseUnit("bytes")
                .strongReference(true).register(registry); // a weak reference to a lambda would be collected: NaN
    }
}
