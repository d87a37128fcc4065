package org.clnrest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;

import org.clnrest.demo.SimulatedLightningd;

/**
 * The benchmark: the packaged plugin (bin/clnrest-vertx, default launcher settings) under the simulated
 * lightningd, loaded by wrk over https; one table on stdout, the same as JSON in target/bench/results.json.
 *
 * For every scenario: requests/s, p50, p99, errors, the plugin's CPU seconds (utime+stime of its process,
 * from /proc), CPU per request, and the plugin's peak RSS (VmRSS sampled every 10 ms). The ceiling is the
 * simulated node's own rate for what one REST call costs it (checkrune then getinfo), measured first, with
 * nothing else running.
 *
 * Usage: bench/run [--quick] (quick: shorter runs, for a smoke test).
 */
public final class Bench {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final int SEEDED = 240_000;        // ~100 MB listinvoices
    static final int LIST_LIMIT = 3_300;       // ~1.4 MB listinvoices
    final boolean quick;
    final int seconds;
    /** Scenario groups to run (ceiling, getinfo, list, big, fanout, spawn); all by default. */
    final java.util.Set<String> only;
    final List<Row> rows = java.util.Collections.synchronizedList(new ArrayList<>());
    final JsonObject extra = new JsonObject();
    Vertx vertx;

    Bench(boolean quick, java.util.Set<String> only) {
        this.quick = quick;
        this.only = only;
        this.seconds = quick ? 3 : 10;
    }

    /** One line of the table. */
    record Row(String scenario, double reqPerSec, double p50ms, double p99ms, long requests, long errors,
               double cpuSeconds, double peakRssMiB, String note) {
        double cpuPerRequestMs() {
            return requests == 0 ? Double.NaN : cpuSeconds * 1000.0 / requests;
        }

        JsonObject toJson() {
            return new JsonObject().put("scenario", scenario).put("req_per_s", round(reqPerSec)).put("p50_ms", round(p50ms))
                    .put("p99_ms", round(p99ms)).put("requests", requests).put("errors", errors)
                    .put("plugin_cpu_s", round(cpuSeconds)).put("plugin_cpu_per_req_ms", round(cpuPerRequestMs()))
                    .put("plugin_peak_rss_mib", round(peakRssMiB)).put("note", note);
        }
    }

    static double round(double d) {
        return Double.isNaN(d) ? -1 : Math.round(d * 1000.0) / 1000.0;
    }

    public static void main(String[] args) throws Exception {
        java.util.Set<String> only = new java.util.HashSet<>(List.of("ceiling", "getinfo", "list", "big", "fanout", "underload", "spawn", "cluster"));
        for (String a : args) {
            if (a.startsWith("--only=")) {
                only = new java.util.HashSet<>(List.of(a.substring(7).split(",")));
            }
        }
        Bench b = new Bench(List.of(args).contains("--quick"), only);
        b.vertx = Vertx.vertx();
        try {
            b.run();
        } finally {
            b.vertx.close().await();
        }
        System.exit(0);
    }

    void run() throws Exception {
        Path dir = Files.createTempDirectory("clnrest-bench");
        int port = freePort();
        SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(List.of(ROOT.resolve("bin/clnrest-vertx").toString()))
                .option("clnrest-port", port).seededInvoices(SEEDED).build().start();
        try {
            node.awaitLog("REST server running at", Duration.ofSeconds(60));
            long pid = node.pluginProcesses().get(0).pid();
            String rune = node.createRune(null);
            String base = "https://127.0.0.1:" + port;
            System.err.printf("bench: plugin pid %d at %s, %d s per load scenario%n", pid, base, seconds);

            if (only.contains("ceiling")) {
                ceiling(node, rune);
            }
            if (only.contains("getinfo")) {
                // Warm up the JIT (and the node's caches) before measuring.
                wrk("warm-up", base + "/v1/getinfo", rune, null, 16, quick ? 2 : 10, pid, false);
                for (int c : new int[]{1, 16, 64}) {
                    rows.add(wrk("getinfo https c=" + c, base + "/v1/getinfo", rune, null, c, seconds, pid, true));
                }
            }
            if (only.contains("list")) {
                String listBody = new JsonObject().put("index", "created").put("limit", LIST_LIMIT).encode();
                long listBytes = oneCall(node, port, rune, "/v1/listinvoices", listBody, pid).bytes;
                wrk("warm-up", base + "/v1/listinvoices", rune, listBody, 16, quick ? 1 : 3, pid, false);
                rows.add(wrk(String.format(Locale.ROOT, "listinvoices %.1f MB c=16", listBytes / 1e6), base + "/v1/listinvoices",
                        rune, listBody, 16, seconds, pid, true));
            }
            if (only.contains("big")) {
                bigReply(node, port, rune, pid);
            }
            if (only.contains("fanout")) {
                fanOut(node, port, rune, pid, quick ? 200 : 1000, quick ? 5 : 20, 100, "socket.io fan-out ");
            }
            if (only.contains("underload")) {
                // The getinfo c=64 load running while 10 clients take 100 notifications: none lost, none reordered.
                Thread load = new Thread(() -> {
                    try {
                        rows.add(wrk("getinfo c=64 with notifications", base + "/v1/getinfo", rune, null, 64, quick ? 6 : 14, pid, true));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "wrk-load");
                load.start();
                fanOut(node, port, rune, pid, 10, 100, 50, "notifications under getinfo load, ");
                load.join();
            }
        } finally {
            node.close();
            SimulatedLightningd.deleteTree(dir);
        }
        if (only.contains("spawn")) {
            spawnToFirstAnswer(quick ? 2 : 5);
        }
        if (only.contains("cluster")) {
            cluster(quick ? 10 : 50);
        }
        report();
    }

    // ---- the ceiling: the node alone ----------------------------------------------------------------------

    /**
     * checkrune + getinfo pairs straight on the unix socket, as the plugin would send them (two connections,
     * 32 pairs in flight on each), nothing else running; after a warm-up of the node's JIT.
     */
    void ceiling(SimulatedLightningd node, String rune) throws Exception {
        AtomicLong pairs = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<NetSocket> sockets = new ArrayList<>();
        String check = new JsonObject().put("rune", rune).put("method", "getinfo").put("params", new JsonObject()).encode();
        for (int c = 0; c < 2; c++) {
            NetSocket socket = vertx.createNetClient().connect(SocketAddress.domainSocketAddress(node.rpcFile().toString())).await();
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
            vertx.runOnContext(v -> {
                for (int i = 0; i < 32; i++) {
                    startPair.run();
                }
            });
        }
        Thread.sleep(quick ? 1000 : 3000); // warm-up
        long p0 = pairs.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L / 2);
        long p1 = pairs.get();
        double rate = (p1 - p0) / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        Thread.sleep(200);
        sockets.forEach(NetSocket::close);
        extra.put("ceiling_rest_per_s", round(rate)).put("ceiling_rpc_calls_per_s", round(rate * 2));
        System.err.printf("bench: ceiling %.0f checkrune+getinfo pairs/s (%.0f RPC calls/s)%n", rate, rate * 2);
    }

    // ---- wrk scenarios -----------------------------------------------------------------------------------

    Row wrk(String name, String url, String rune, String body, int connections, int secs, long pid, boolean keep) throws Exception {
        Path script = ROOT.resolve("bench/post.lua");
        List<String> cmd = List.of("wrk", "-t" + Math.min(connections, 2), "-c" + connections, "-d" + secs + "s",
                "--latency", "-s", script.toString(), url);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RUNE", rune);
        pb.environment().put("BODY", body == null ? "" : body);
        Sampler s = new Sampler(pid).start();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        s.stop();
        if (!keep) {
            return null;
        }
        double rps = num(out, "Requests/sec:\\s+([0-9.]+)");
        long requests = (long) num(out, "(\\d+) requests in");
        long errors = (long) (numOr(out, "Non-2xx or 3xx responses: (\\d+)", 0)
                + numOr(out, "Socket errors: connect (\\d+)", 0) + numOr(out, "Socket errors: connect \\d+, read (\\d+)", 0)
                + numOr(out, "write (\\d+)", 0) + numOr(out, "timeout (\\d+)", 0));
        Row r = new Row(name, rps, latency(out, "50%"), latency(out, "99%"), requests, errors, s.cpuSeconds(), s.peakMiB(), "wrk");
        System.err.printf("bench: %-28s %9.0f req/s p50 %.3f ms p99 %.3f ms, %.4f ms CPU/req, peak RSS %.0f MiB%n",
                name, rps, r.p50ms(), r.p99ms(), r.cpuPerRequestMs(), r.peakRssMiB());
        return r;
    }

    static double latency(String wrkOut, String pct) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)").matcher(wrkOut);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static double num(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("wrk output without " + regex + ":\n" + s);
        }
        return Double.parseDouble(m.group(1));
    }

    static double numOr(String s, String regex, double dflt) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : dflt;
    }

    // ---- one big reply --------------------------------------------------------------------------------

    record Call(int status, long bytes, double ms) {}

    HttpClient https(int port, SimulatedLightningd node) {
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setTrustOptions(new PemTrustOptions().addCertPath(node.networkDir().resolve("ca.pem").toString())));
    }

    Call oneCall(SimulatedLightningd node, int port, String rune, String path, String body, long pid) throws Exception {
        HttpClient client = https(port, node);
        try {
            long t0 = System.nanoTime();
            AtomicLong bytes = new AtomicLong();
            int status = client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path).addHeader("Rune", rune)
                            .addHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(Buffer.buffer(body == null ? "" : body)))
                    .compose(res -> {
                        res.handler(b -> bytes.addAndGet(b.length()));
                        return res.end().map(v -> res.statusCode());
                    }).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            return new Call(status, bytes.get(), (System.nanoTime() - t0) / 1e6);
        } finally {
            client.close().await();
        }
    }

    void bigReply(SimulatedLightningd node, int port, String rune, long pid) throws Exception {
        node.call("listinvoices", new JsonObject()); // render the node's side once, outside the measurement
        System.gc();
        Thread.sleep(500);
        double before = Sampler.rssMiB(pid);
        Sampler s = new Sampler(pid).start();
        Call c = oneCall(node, port, rune, "/v1/listinvoices", null, pid);
        s.stop();
        Row r = new Row(String.format(Locale.ROOT, "listinvoices %.0f MB x1", c.bytes / 1e6), 1000.0 / c.ms, c.ms, c.ms, 1,
                c.status == 201 ? 0 : 1, s.cpuSeconds(), s.peakMiB(),
                String.format(Locale.ROOT, "RSS before %.0f MiB, growth %.0f MiB", before, s.peakMiB() - before));
        rows.add(r);
        extra.put("big_reply_bytes", c.bytes).put("big_reply_rss_before_mib", round(before))
                .put("big_reply_rss_growth_mib", round(s.peakMiB() - before));
        System.err.printf("bench: %s in %.0f ms, status %d, %s%n", r.scenario(), c.ms, c.status, r.note());
    }

    // ---- Socket.IO fan-out -------------------------------------------------------------------------------

    void fanOut(SimulatedLightningd node, int port, String rune, long pid, int clients, int notifications, int gapMs, String label)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", ROOT.resolve("bench/fanout.js").toString(), "https://127.0.0.1:" + port,
                node.networkDir().resolve("ca.pem").toString(), rune, Integer.toString(clients), Integer.toString(notifications))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", ROOT.resolve("src/test/js/node_modules").toString());
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long connectStart = System.nanoTime();
        String line = out.readLine();
        if (line == null || !line.startsWith("{\"ready\"")) {
            throw new IllegalStateException("fanout.js did not connect its clients: " + line);
        }
        double connectMs = (System.nanoTime() - connectStart) / 1e6;
        Sampler s = new Sampler(pid).start();
        for (int i = 0; i < notifications; i++) {
            node.notifyPlugins("bench_fanout", new JsonObject().put("n", i).put("sent_ms", System.currentTimeMillis())
                    .put("amount_msat", 1_152_921_504_606_846_983L));
            Thread.sleep(gapMs); // the notification rate is part of the scenario
        }
        JsonObject result = new JsonObject(out.readLine());
        s.stop();
        p.waitFor(30, TimeUnit.SECONDS);
        long expected = (long) clients * notifications;
        long received = result.getLong("received");
        Row r = new Row(label + clients + " clients", Double.NaN, result.getDouble("p50_ms"), result.getDouble("p99_ms"),
                expected, expected - received + result.getLong("out_of_order"), s.cpuSeconds(), s.peakMiB(),
                String.format(Locale.ROOT, "%d notifications x %d clients, %d delivered, %d out of order, max %.0f ms, connect all %.0f ms",
                        notifications, clients, received, result.getLong("out_of_order"), result.getDouble("max_ms"), connectMs));
        rows.add(r);
        extra.put(label.startsWith("socket") ? "fanout" : "underload", result.put("clients", clients).put("notifications", notifications).put("connect_all_ms", round(connectMs)));
        System.err.printf("bench: %s: %s, delay p50 %.0f ms p99 %.0f ms%n", r.scenario(), r.note(), r.p50ms(), r.p99ms());
    }

    // ---- start-up ----------------------------------------------------------------------------------------

    void spawnToFirstAnswer(int runs) throws Exception {
        List<Double> times = new ArrayList<>();
        double rss = 0;
        for (int i = 0; i < runs; i++) {
            Path dir = Files.createTempDirectory("clnrest-bench-spawn");
            int port = freePort();
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
                    .setConnectTimeout(200));
            AtomicLong answeredAt = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread poller = new Thread(() -> {
                while (!stop.get() && answeredAt.get() == 0) {
                    try {
                        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/getinfo"))
                                .compose(req -> req.send()).compose(res -> res.body().map(b -> res.statusCode()))
                                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
                        answeredAt.compareAndSet(0, System.nanoTime());
                    } catch (Exception notYet) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "spawn-poller");
            poller.start();
            long t0 = System.nanoTime();
            SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(List.of(ROOT.resolve("bin/clnrest-vertx").toString()))
                    .option("clnrest-port", port).build().start();
            try {
                poller.join(30_000);
                stop.set(true);
                double ms = (answeredAt.get() - t0) / 1e6;
                times.add(ms);
                rss = Sampler.rssMiB(node.pluginProcesses().get(0).pid());
                System.err.printf("bench: spawn -> first HTTP answer %.0f ms (RSS then %.0f MiB)%n", ms, rss);
            } finally {
                node.close();
                client.close().await();
                SimulatedLightningd.deleteTree(dir);
            }
        }
        times.sort(Double::compare);
        double median = times.get(times.size() / 2);
        rows.add(new Row("spawn -> first HTTP answer", Double.NaN, median, times.get(times.size() - 1), runs, 0, Double.NaN, rss,
                "median and max of " + runs + " starts, ms" + (Files.exists(ROOT.resolve("target/clnrest-vertx.jsa")) ? ", with the CDS archive" : ", no CDS archive")));
        extra.put("spawn_ms", new JsonArray(new ArrayList<>(times)));
    }

    // ---- clustered event bus -----------------------------------------------------------------------------

    /** A plugin with clnrest-cluster on, and the observer example in its own JVM: join time, delivery delay. */
    void cluster(int notifications) throws Exception {
        Path dir = Files.createTempDirectory("clnrest-bench-cluster");
        int port = freePort();
        int pluginPort = freePort();
        int observerPort = freePort();
        SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(List.of(ROOT.resolve("bin/clnrest-vertx").toString()))
                .option("clnrest-port", port).option("clnrest-cluster", "127.0.0.1").option("clnrest-cluster-port", pluginPort)
                .build().start();
        Process observer = null;
        try {
            node.awaitLog("REST server running at", Duration.ofSeconds(60));
            String up = node.awaitLog("Cluster event bus up", Duration.ofSeconds(60));
            long pid = node.pluginProcesses().get(0).pid();
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            long t0 = System.nanoTime();
            observer = new ProcessBuilder(java.toString(), "-cp", ROOT.resolve("target/clnrest-vertx.jar").toString(),
                    "org.clnrest.cluster.Observer", "--host", "127.0.0.1", "--port", Integer.toString(observerPort),
                    "--members", "127.0.0.1:" + pluginPort).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(observer.getInputStream(), StandardCharsets.UTF_8));
            JsonObject ready = new JsonObject(out.readLine());
            double joinedMs = (System.nanoTime() - t0) / 1e6;
            // The first notification to arrive shows the plugin has seen the observer's subscription.
            long firstAt = System.nanoTime();
            java.util.concurrent.LinkedBlockingQueue<JsonObject> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        lines.add(new JsonObject(l));
                    }
                } catch (IOException ignored) {
                    // observer gone
                }
            }, "observer-reader");
            reader.setDaemon(true);
            reader.start();
            JsonObject first = null;
            while (first == null && System.nanoTime() - firstAt < 60e9) {
                node.notifyPlugins("bench_cluster", new JsonObject().put("n", -1).put("sent_ms", System.currentTimeMillis()));
                first = lines.poll(200, TimeUnit.MILLISECONDS);
            }
            double subscribedMs = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(300);
            lines.clear();
            Sampler s = new Sampler(pid).start();
            for (int i = 0; i < notifications; i++) {
                node.notifyPlugins("bench_cluster", new JsonObject().put("n", i).put("sent_ms", System.currentTimeMillis()));
                Thread.sleep(20);
            }
            List<Double> delays = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (delays.size() < notifications && System.nanoTime() < deadline) {
                JsonObject n = lines.poll(200, TimeUnit.MILLISECONDS);
                if (n != null && n.getJsonObject("body").getJsonObject("bench_cluster").getInteger("n") >= 0) {
                    delays.add((double) (n.getLong("received_ms") - n.getJsonObject("body").getJsonObject("bench_cluster").getLong("sent_ms")));
                }
            }
            s.stop();
            delays.sort(Double::compare);
            double p50 = delays.isEmpty() ? Double.NaN : delays.get(delays.size() / 2);
            double p99 = delays.isEmpty() ? Double.NaN : delays.get(Math.min(delays.size() - 1, (int) (delays.size() * 0.99)));
            rows.add(new Row("cluster observer notifications", Double.NaN, p50, p99, notifications, notifications - delays.size(),
                    s.cpuSeconds(), s.peakMiB(), String.format(Locale.ROOT,
                            "observer joined in %.0f ms (its own count %d ms), first notification at %.0f ms; plugin: %s",
                            joinedMs, ready.getLong("join_ms"), subscribedMs, up.replaceAll(".*Cluster event bus up on \\S+ ", ""))));
            extra.put("cluster", new JsonObject().put("observer_join_ms", round(joinedMs)).put("first_notification_ms", round(subscribedMs))
                    .put("delay_p50_ms", round(p50)).put("delay_p99_ms", round(p99)).put("delivered", delays.size()));
            System.err.printf("bench: cluster: observer joined in %.0f ms, first notification after %.0f ms, delay p50 %.0f ms p99 %.0f ms, %d/%d%n",
                    joinedMs, subscribedMs, p50, p99, delays.size(), notifications);
        } finally {
            if (observer != null) {
                observer.destroy();
                observer.waitFor(10, TimeUnit.SECONDS);
            }
            node.close();
            SimulatedLightningd.deleteTree(dir);
        }
    }

    // ---- output ------------------------------------------------------------------------------------------

    void report() throws IOException {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-30s %10s %9s %9s %9s %7s %9s %12s %9s  %s%n", "scenario", "req/s", "p50 ms", "p99 ms",
                "requests", "errors", "CPU s", "CPU/req ms", "RSS MiB", "note"));
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "%-30s %10s %9.3f %9.3f %9d %7d %9s %12s %9.0f  %s%n", r.scenario(),
                    Double.isNaN(r.reqPerSec()) ? "-" : String.format(Locale.ROOT, "%.0f", r.reqPerSec()), r.p50ms(), r.p99ms(),
                    r.requests(), r.errors(), Double.isNaN(r.cpuSeconds()) ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuSeconds()),
                    Double.isNaN(r.cpuPerRequestMs()) ? "-" : String.format(Locale.ROOT, "%.4f", r.cpuPerRequestMs()),
                    r.peakRssMiB(), r.note()));
        }
        if (extra.containsKey("ceiling_rest_per_s")) {
            t.append(String.format(Locale.ROOT, "ceiling (simulated node alone, checkrune+getinfo pairs/s): %.0f; RPC calls/s: %.0f%n",
                    extra.getDouble("ceiling_rest_per_s"), extra.getDouble("ceiling_rpc_calls_per_s")));
        }
        System.out.print(t);
        JsonArray a = new JsonArray();
        rows.forEach(r -> a.add(r.toJson()));
        JsonObject json = new JsonObject().put("rows", a).put("extra", extra)
                .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
                        .put("java", System.getProperty("java.version")));
        Path out = ROOT.resolve("target/bench/results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json.encodePrettily());
        System.out.println("written: " + ROOT.relativize(out));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** CPU time and peak RSS of one process, from /proc, between start() and stop(). */
    static final class Sampler {
        static final double TICK = 100.0; // USER_HZ on Linux
        final long pid;
        long cpu0;
        long cpu1;
        volatile double peak;
        volatile boolean running = true;
        Thread thread;

        Sampler(long pid) {
            this.pid = pid;
        }

        Sampler start() throws IOException {
            cpu0 = cpuTicks(pid);
            thread = new Thread(() -> {
                while (running) {
                    try {
                        peak = Math.max(peak, rssMiB(pid));
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        void stop() throws Exception {
            running = false;
            thread.join();
            peak = Math.max(peak, rssMiB(pid));
            cpu1 = cpuTicks(pid);
        }

        double cpuSeconds() {
            return (cpu1 - cpu0) / TICK;
        }

        double peakMiB() {
            return peak;
        }

        static long cpuTicks(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        }

        static double rssMiB(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
                }
            }
            return Double.NaN;
        }
    }
}
