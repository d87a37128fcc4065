package org.clnrest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;

/**
 * The warmed-up plugin: getinfo at 1, 16 and 64 connections after a warm-up, and the ceiling, the simulated
 * node's own rate for what one REST call costs it (checkrune then getinfo, two connections, 32 in flight each),
 * measured first with nothing else running. Parts: {@code ceiling}, {@code getinfo}.
 */
final class WarmLoad implements Scenario {
    @Override
    public String name() {
        return "getinfo";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants("ceiling") && !b.wants("getinfo")) {
            return;
        }
        try (Plugin p = Plugin.start(x -> x)) {
            if (b.wants("ceiling")) {
                ceiling(b, p, b.seconds() / 2, true);
            }
            if (b.wants("getinfo")) {
                p.wrk("/v1/getinfo").connections(16).seconds(b.quick ? 3 : 10).go(); // warm-up
                for (int c : new int[]{1, 16, 64}) {
                    Proc.Sampler s = new Proc.Sampler(p.pid).start();
                    Wrk.Result r = p.wrk("/v1/getinfo").connections(c).seconds(b.seconds()).go();
                    s.stop();
                    Row row = Row.info("getinfo https c=" + c + " (warm)", r.reqPerSec(), r.p50ms(), r.p99ms(), r.requests(), r.errors(),
                            s.cpuSeconds(), s.peakMiB(), c == 1 ? p.jvm() : "");
                    if (c == 64) {
                        b.add(row.held(WARM, warm(r, row)));
                        b.add(row.held("RSS <= 125 MiB under load (default settings)", s.peakMiB() <= 125));
                    } else {
                        b.add(row);
                    }
                }
            }
        }
        if (b.wants("getinfo")) {
            // The same with C2 as well (CLNREST_TIER=4): the peak, once warm (after some 20 s of load).
            try (Plugin p = Plugin.start(x -> x.env("CLNREST_TIER", "4"))) {
                p.wrk("/v1/getinfo").connections(16).seconds(b.quick ? 5 : 20).go(); // warm-up, C2 included
                Proc.Sampler s = new Proc.Sampler(p.pid).start();
                Wrk.Result r = p.wrk("/v1/getinfo").connections(64).seconds(b.seconds()).go();
                s.stop();
                Row row = Row.info("getinfo https c=64 (warm, CLNREST_TIER=4)", r.reqPerSec(), r.p50ms(), r.p99ms(), r.requests(),
                        r.errors(), s.cpuSeconds(), s.peakMiB(), "C2 on");
                b.add(row.held(WARM, warm(r, row)));
            }
        }
    }

    static final String WARM = ">= 10,000 req/s, <= 0.09 ms CPU/req";

    static boolean warm(Wrk.Result r, Row row) {
        return r.reqPerSec() >= 10_000 && row.cpuPerRequestMs() <= 0.09 && r.errors() == 0;
    }

    /**
     * checkrune + getinfo pairs straight on the unix socket, as the plugin would send them (two connections,
     * 32 pairs in flight on each), nothing else running; after a warm-up of the node's JIT.
     */
    static void ceiling(Bench b, Plugin p, int seconds, boolean report) throws Exception {
        AtomicLong pairs = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<NetSocket> sockets = new ArrayList<>();
        String check = new JsonObject().put("rune", p.rune).put("method", "getinfo").put("params", new JsonObject()).encode();
        for (int c = 0; c < 2; c++) {
            NetSocket socket = b.vertx.createNetClient().connect(SocketAddress.domainSocketAddress(p.node.rpcFile().toString())).await();
            sockets.add(socket);
            AtomicLong ids = new AtomicLong();
            Runnable startPair = () -> socket.write("{\"jsonrpc\":\"2.0\",\"id\":\"c" + ids.incrementAndGet()
                    + "\",\"method\":\"checkrune\",\"params\":" + check + "}");
            socket.handler(RecordParser.newDelimited("\n\n", record -> {
                String id = record.toJsonObject().getString("id");
                if (id.startsWith("c")) {
                    socket.write("{\"jsonrpc\":\"2.0\",\"id\":\"g" + id.substring(1) + "\",\"method\":\"getinfo\",\"params\":{}}");
                } else {
                    pairs.incrementAndGet();
                    if (running.get()) {
                        startPair.run();
                    }
                }
            }));
            b.vertx.runOnContext(v -> {
                for (int i = 0; i < 32; i++) {
                    startPair.run();
                }
            });
        }
        Thread.sleep(b.quick ? 1000 : 3000); // warm-up
        long p0 = pairs.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long p1 = pairs.get();
        double rate = (p1 - p0) / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        Thread.sleep(200);
        sockets.forEach(NetSocket::close);
        if (!report) {
            return;
        }
        b.extra.put("ceiling_rest_per_s", Row.round(rate)).put("ceiling_rpc_calls_per_s", Row.round(rate * 2));
        b.add(Row.info("ceiling: node alone, checkrune+getinfo pairs", rate, Double.NaN, Double.NaN, p1 - p0, 0, Double.NaN, Double.NaN,
                String.format(Locale.ROOT, "%.0f RPC calls/s", rate * 2)));
    }
}
