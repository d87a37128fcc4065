package org.clnrest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;

/**
 * A node whose checkrune costs what lightningd's does: besides the check, a synchronous ~4 ms database write per
 * successful check, one at a time (lightningd's single main loop). That write, not the plugin, then bounds the
 * REST rate. Measured first: the node alone, checkrune at 16 in flight straight on its RPC socket (rate and
 * p99); then the freshly started plugin at 16 connections from its first request, the first 10 s and the next.
 */
final class CostlyCheckrune implements Scenario {
    static final Duration COST = Duration.ofMillis(4);
    static final int IN_FLIGHT = 16;

    @Override
    public String name() {
        return "checkrune";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants(name())) {
            return;
        }
        try (Plugin p = Plugin.start(x -> x.checkruneCost(COST))) {
            double[] alone = alone(b, p, b.quick ? 3 : 8);
            double rate = alone[0];
            double p99 = alone[1];
            b.add(Row.info("node alone: checkrune x16 in flight (4 ms write)", rate, alone[2], p99, (long) alone[3], 0, Double.NaN,
                    Double.NaN, "no plugin involved"));
            b.extra.put("checkrune_alone_per_s", Row.round(rate)).put("checkrune_alone_p99_ms", Row.round(p99));
            long t0 = System.currentTimeMillis();
            double c0 = Proc.cpuSeconds(p.pid);
            Wrk.Result first = p.wrk("/v1/getinfo").connections(IN_FLIGHT).until(t0 + 10_000).go();
            double c1 = Proc.cpuSeconds(p.pid);
            Row r = Row.info("REST c=16, first 10 s, costly checkrune", first.reqPerSec(), first.p50ms(), first.p99ms(), first.requests(),
                    first.errors(), c1 - c0, Double.NaN, String.format(Locale.ROOT, "%.1f%% of the node's checkrune rate, p99 +%.1f ms; %s",
                            100 * first.reqPerSec() / rate, first.p99ms() - p99, p.jvm()));
            b.add(r.held(">= 95% of checkrune rate, p99 <= checkrune p99 + 5 ms",
                    first.reqPerSec() >= 0.95 * rate && first.p99ms() <= p99 + 5 && first.errors() == 0));
            Wrk.Result next = p.wrk("/v1/getinfo").connections(IN_FLIGHT).until(t0 + 20_000).go();
            b.add(Row.info("REST c=16, 10-20 s, costly checkrune", next.reqPerSec(), next.p50ms(), next.p99ms(), next.requests(),
                    next.errors(), Proc.cpuSeconds(p.pid) - c1, Double.NaN, String.format(Locale.ROOT,
                            "%.1f%% of the node's checkrune rate, p99 +%.1f ms", 100 * next.reqPerSec() / rate, next.p99ms() - p99)));
        }
    }

    /** checkrune calls kept {@link #IN_FLIGHT} in flight on two connections: {rate/s, p99 ms, p50 ms, calls}. */
    static double[] alone(Bench b, Plugin p, int seconds) throws Exception {
        String params = new JsonObject().put("rune", p.rune).put("method", "getinfo").put("params", new JsonObject()).encode();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicLong done = new AtomicLong();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<NetSocket> sockets = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            NetSocket socket = b.vertx.createNetClient().connect(SocketAddress.domainSocketAddress(p.node.rpcFile().toString())).await();
            sockets.add(socket);
            Map<String, Long> sent = new HashMap<>();
            AtomicLong ids = new AtomicLong();
            Runnable send = () -> {
                String id = "b" + ids.incrementAndGet();
                sent.put(id, System.nanoTime());
                socket.write("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"checkrune\",\"params\":" + params + "}");
            };
            socket.handler(RecordParser.newDelimited("\n\n", record -> {
                JsonObject reply = record.toJsonObject();
                Long at = sent.remove(reply.getString("id"));
                if (measuring.get() && at != null && reply.containsKey("result")) {
                    latencies.add((System.nanoTime() - at) / 1e6);
                    done.incrementAndGet();
                }
                if (running.get()) {
                    send.run();
                }
            }));
            b.vertx.runOnContext(v -> {
                for (int i = 0; i < IN_FLIGHT / 2; i++) {
                    send.run();
                }
            });
        }
        Thread.sleep(1500); // the node's own JIT
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double secs = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        Thread.sleep(300);
        sockets.forEach(NetSocket::close);
        List<Double> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        sorted.sort(Double::compare);
        return new double[]{done.get() / secs, Bench.percentile(sorted, 0.99), Bench.percentile(sorted, 0.5), done.get()};
    }
}
