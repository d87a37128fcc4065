package org.clnrest.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;
import org.clnrest.demo.NodeInternals;

/**
 * Socket.IO fan-out ({@code fanout}): 1,000 npm socket.io-client sockets (websocket), notifications sent by the
 * node every 100 ms, so the plugin's once-a-second batches carry ~10 each. Server side: how long the plugin
 * takes to write a whole batch to every client, from the kernel's timestamps of the packets leaving the REST
 * port (tcpdump on loopback; the client's reading speed does not count): from the batch's first packet, which
 * follows the tick by the time to encode one frame, to its last. Without tcpdump (or the right to capture),
 * from the bytes the plugin hands to the kernel ({@code wchar} of /proc/&lt;pid&gt;/io, sampled every
 * millisecond), which also counts its RPC writes. Client side: every notification to every client, in order.
 * {@code underload}: the same for 10 clients while getinfo runs at c=64.
 */
final class FanOut implements Scenario {
    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants("fanout") && !b.wants("underload")) {
            return;
        }
        try (Plugin p = Plugin.start(x -> x)) {
            if (b.wants("fanout")) {
                int clients = b.quick ? 200 : 1000;
                int notifications = b.quick ? 20 : 50;
                Result r = fanOut(b, p, clients, notifications, 100, true);
                String inOrder = r.burstList(); // as the batches came: a slow one's place says something
                List<Double> writes = new ArrayList<>(r.bursts);
                writes.sort(Double::compare);
                double max = writes.isEmpty() ? Double.NaN : writes.get(writes.size() - 1);
                Row row = Row.info("socket.io fan-out " + clients + " clients: batch write", Double.NaN, Bench.percentile(writes, 0.5), max,
                        r.expected, r.expected - r.received + r.outOfOrder, r.cpu, r.rss,
                        String.format(Locale.ROOT, "%d batches written in %s ms, in their order (first packet -> last; p99 column = slowest); "
                                        + "client-side delay from the node p50 %.0f ms p99 %.0f ms; %d/%d delivered, %d out of order",
                                writes.size(), inOrder, r.clientP50, r.clientP99, r.received, r.expected, r.outOfOrder));
                b.add(row.held("last byte <= 100 ms after the tick, every notification delivered",
                        !writes.isEmpty() && max <= 100 && r.received == r.expected && r.outOfOrder == 0));
            }
            if (b.wants("underload")) {
                List<Row> load = new ArrayList<>();
                Thread wrk = new Thread(() -> {
                    try {
                        Proc.Sampler s = new Proc.Sampler(p.pid).start();
                        Wrk.Result r = p.wrk("/v1/getinfo").connections(64).seconds(b.quick ? 6 : 14).go();
                        s.stop();
                        load.add(Row.info("getinfo c=64 during notifications", r.reqPerSec(), r.p50ms(), r.p99ms(), r.requests(),
                                r.errors(), s.cpuSeconds(), s.peakMiB(), ""));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "wrk-load");
                wrk.start();
                Thread.sleep(500);
                Result r = fanOut(b, p, 10, 100, 50, false);
                wrk.join();
                Row row = Row.info("10 socket.io clients during getinfo c=64", Double.NaN, r.clientP50, r.clientP99, r.expected,
                        r.expected - r.received + r.outOfOrder, Double.NaN, r.rss,
                        String.format(Locale.ROOT, "%d/%d delivered, %d out of order (delay from the node)", r.received, r.expected, r.outOfOrder));
                b.add(row.held("none lost or reordered", r.received == r.expected && r.outOfOrder == 0));
                load.forEach(b::add);
            }
        }
    }

    record Result(long expected, long received, long outOfOrder, double clientP50, double clientP99, double cpu, double rss,
                  List<Double> bursts) {
        String burstList() {
            StringBuilder s = new StringBuilder();
            for (double d : bursts) {
                s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", d));
            }
            return s.toString();
        }
    }

    static Result fanOut(Bench b, Plugin p, int clients, int notifications, int gapMs, boolean watchWrites) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", Bench.ROOT.resolve("bench/fanout.js").toString(), p.base,
                p.node.networkDir().resolve("ca.pem").toString(), p.rune, Integer.toString(clients), Integer.toString(notifications))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", Bench.ROOT.resolve("src/test/js/node_modules").toString());
        Process proc = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("{\"ready\"")) {
            throw new IllegalStateException("fanout.js did not connect its clients: " + line);
        }
        Thread.sleep(1500); // let the connections settle (the last handshakes' writes)
        PortCapture capture = watchWrites ? PortCapture.start(p.port) : null;
        WriteBursts bursts = watchWrites && capture == null ? new WriteBursts(p.pid).start() : null;
        Proc.Sampler s = new Proc.Sampler(p.pid).start();
        for (int i = 0; i < notifications; i++) {
            NodeInternals.notifyPlugins(p.node, "bench_fanout", new JsonObject().put("n", i).put("sent_ms", System.currentTimeMillis())
                    .put("amount_msat", 1_152_921_504_606_846_983L));
            Thread.sleep(gapMs); // the notification rate is part of the scenario
        }
        JsonObject result = new JsonObject(out.readLine());
        s.stop();
        List<Double> writes = capture != null ? capture.stop() : bursts == null ? List.of() : bursts.stop();
        proc.waitFor(30, TimeUnit.SECONDS);
        long expected = (long) clients * notifications;
        return new Result(expected, result.getLong("received"), result.getLong("out_of_order"), result.getDouble("p50_ms"),
                result.getDouble("p99_ms"), s.cpuSeconds(), s.peakMiB(), new ArrayList<>(writes));
    }

    /** tcpdump on loopback: the times of the data packets leaving {@code port}, grouped into bursts. */
    static final class PortCapture {
        final Process tcpdump;
        final java.nio.file.Path out;

        private PortCapture(Process tcpdump, java.nio.file.Path out) {
            this.tcpdump = tcpdump;
            this.out = out;
        }

        /** Null when tcpdump is missing or may not capture. */
        static PortCapture start(int port) {
            try {
                java.nio.file.Path out = java.nio.file.Files.createTempFile("clnrest-bench-capture", ".txt");
                Process p = new ProcessBuilder("tcpdump", "-i", "lo", "-n", "-tt", "-q", "-l", "-B", "16384",
                        "tcp src port " + port + " and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)")
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
                // Ready once it says it listens (or gone: no capture).
                BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = err.readLine()) != null && !line.contains("listening on")) {
                    // its banner
                }
                if (line == null || !p.isAlive()) {
                    return null;
                }
                Thread drain = new Thread(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // gone
                    }
                }, "tcpdump-stderr");
                drain.setDaemon(true);
                drain.start();
                return new PortCapture(p, out);
            } catch (Exception noTcpdump) {
                return null;
            }
        }

        List<Double> stop() throws Exception {
            Thread.sleep(200);
            new ProcessBuilder("kill", "-INT", Long.toString(tcpdump.pid())).start().waitFor();
            tcpdump.waitFor(10, TimeUnit.SECONDS);
            List<Double> times = new ArrayList<>();
            for (String l : java.nio.file.Files.readAllLines(out)) {
                int sp = l.indexOf(' ');
                if (sp > 0) {
                    times.add(Double.parseDouble(l.substring(0, sp)) * 1000);
                }
            }
            java.nio.file.Files.deleteIfExists(out);
            List<Double> bursts = new ArrayList<>();
            int i = 0;
            while (i < times.size()) {
                double start = times.get(i);
                double end = start;
                int j = i + 1;
                while (j < times.size() && times.get(j) - end < WriteBursts.QUIET_MS) {
                    end = times.get(j++);
                }
                if (j - i >= 10) { // a batch to many clients, not a stray packet
                    bursts.add(end - start);
                }
                i = j;
            }
            return bursts;
        }
    }

    /**
     * Bursts of bytes written by the plugin (all its sockets), from /proc/&lt;pid&gt;/io sampled every millisecond:
     * a burst is a run of increases with no quiet gap of {@link #QUIET_MS} or more; its length is from its first
     * increase to its last (the first sample is taken up to a millisecond after the first byte).
     */
    static final class WriteBursts {
        static final double QUIET_MS = 150;
        final long pid;
        final List<long[]> changes = new ArrayList<>(); // {nanoTime, wchar}
        volatile boolean running = true;
        Thread thread;

        WriteBursts(long pid) {
            this.pid = pid;
        }

        WriteBursts start() {
            thread = new Thread(() -> {
                long last = -1;
                while (running) {
                    try {
                        long w = Proc.bytesWritten(pid);
                        long now = System.nanoTime();
                        if (w != last) {
                            if (last >= 0) {
                                changes.add(new long[]{now, w - last});
                            }
                            last = w;
                        }
                        Thread.sleep(0, 500_000);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "write-bursts");
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            thread.start();
            return this;
        }

        /** The bursts' lengths in ms (bursts of under 4 KiB, such as pings, are left out). */
        List<Double> stop() throws InterruptedException {
            running = false;
            thread.join();
            List<Double> out = new ArrayList<>();
            int i = 0;
            while (i < changes.size()) {
                long start = changes.get(i)[0];
                long end = start;
                long bytes = changes.get(i)[1];
                int j = i + 1;
                while (j < changes.size() && (changes.get(j)[0] - end) / 1e6 < QUIET_MS) {
                    end = changes.get(j)[0];
                    bytes += changes.get(j)[1];
                    j++;
                }
                if (bytes >= 4096) {
                    out.add((end - start) / 1e6);
                }
                i = j;
            }
            return out;
        }
    }
}
