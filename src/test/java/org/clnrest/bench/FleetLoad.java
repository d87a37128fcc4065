package org.clnrest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.vertx.core.json.JsonObject;

import org.bouncycastle.asn1.x509.GeneralName;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.tls.CertificateStore;

/**
 * The fleet ({@code fleet}; docs/cluster.md): three nodes, each with the plugin on one clustered bus, publishing
 * 1,000 notifications a second each to one observer in its own JVM, with and without TLS on the bus. Latency from
 * the simulated lightningd's write of a notification to the observer's line (wall clocks of one machine, µs),
 * loss (per node: every one, in order), and the plugins' CPU per notification (the observer's in the note).
 */
final class FleetLoad implements Scenario {
    private static final int NODES = 3;
    private static final int RATE = 1_000;

    @Override
    public String name() {
        return "fleet";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants(name())) {
            return;
        }
        for (boolean tls : new boolean[]{true, false}) {
            b.add(measure(b, tls));
        }
    }

    private Row measure(Bench b, boolean tls) throws Exception {
        Path certs = Files.createTempDirectory("clnrest-bench-fleet");
        CertificateStore.ensure(certs, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")), Duration.ZERO);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ports.add(Harness.freePort());
        }
        List<SimulatedLightningd> nodes = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        Process observer = null;
        try {
            for (int i = 0; i < NODES; i++) {
                dirs.add(Files.createTempDirectory("clnrest-bench-fleet-node"));
                SimulatedLightningd.Builder nb = SimulatedLightningd.builder(dirs.get(i)).plugin(Plugin.launcher())
                        .option("clnrest-port", Harness.freePort()).option("clnrest-certs", certs.toString())
                        .option("clnrest-cluster", "127.0.0.1").option("clnrest-cluster-port", ports.get(i))
                        .option("clnrest-cluster-tls", tls);
                ports.forEach(p -> nb.option("clnrest-cluster-members", "127.0.0.1:" + p));
                nodes.add(nb.build().start());
                nodes.get(i).awaitLog("Cluster event bus up", Duration.ofSeconds(90));
            }
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    Bench.ROOT.resolve("target/clnrest-vertx.jar").toString(), "org.clnrest.cluster.Observer", "--host", "127.0.0.1",
                    "--port", Integer.toString(Harness.freePort()), "--members", "127.0.0.1:" + ports.get(0)));
            if (tls) {
                cmd.addAll(List.of("--ca", certs.resolve("ca.pem").toString(), "--cert", certs.resolve("client.pem").toString(),
                        "--key", certs.resolve("client-key.pem").toString()));
            }
            observer = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            LinkedBlockingQueue<JsonObject> lines = read(observer);
            for (int i = 0; i < NODES; i++) {
                warm(nodes.get(i), lines);
            }
            lines.clear();
            List<Proc.Sampler> cpu = new ArrayList<>();
            for (SimulatedLightningd n : nodes) {
                cpu.add(new Proc.Sampler(NodeInternals.pluginProcesses(n).get(0).pid()).start());
            }
            double observerCpu0 = Proc.cpuSeconds(observer.pid());
            int perNode = RATE * b.seconds();
            List<Thread> publishers = new ArrayList<>();
            for (SimulatedLightningd n : nodes) {
                Thread t = new Thread(() -> publish(n, perNode), "fleet-publisher");
                publishers.add(t);
                t.start();
            }
            for (Thread t : publishers) {
                t.join();
            }
            Result r = collect(nodes, lines, perNode);
            double pluginCpu = 0;
            double peak = 0;
            for (Proc.Sampler s : cpu) {
                s.stop();
                pluginCpu += s.cpuSeconds();
                peak = Math.max(peak, s.peakMiB());
            }
            double observerCpu = Proc.cpuSeconds(observer.pid()) - observerCpu0;
            long sent = (long) perNode * NODES;
            return Row.info("fleet 3 nodes x " + RATE + "/s, " + (tls ? "TLS" : "plain"), sent / (double) b.seconds(),
                    Bench.percentile(r.delays, 0.5), Bench.percentile(r.delays, 0.99), sent, sent - r.delays.size() + r.disorder, pluginCpu, peak,
                    String.format(Locale.ROOT, "after the first %d s: p50 %.2f ms, p99 %.2f ms; lost %d, out of order %d, max %.1f ms; CPU of the 3 plugins %.3f ms, of the observer %.3f ms per notification",
                            WARM_S, Bench.percentile(r.steady, 0.5), Bench.percentile(r.steady, 0.99),
                            sent - r.delays.size(), r.disorder, r.delays.isEmpty() ? Double.NaN : r.delays.get(r.delays.size() - 1),
                            pluginCpu * 1000 / sent, observerCpu * 1000 / sent));
        } finally {
            if (observer != null) {
                observer.destroy();
                observer.waitFor(10, TimeUnit.SECONDS);
            }
            for (SimulatedLightningd n : nodes) {
                n.close();
            }
            for (Path d : dirs) {
                Harness.deleteTree(d);
            }
            Harness.deleteTree(certs);
        }
    }

    /** {@code count} notifications at {@link #RATE} a second, paced against the clock (not by sleeps between them). */
    private static void publish(SimulatedLightningd node, int count) {
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            long due = start + k * 1_000_000_000L / RATE;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            NodeInternals.notifyPlugins(node, "bench_fleet", new JsonObject().put("k", k).put("sent_us", ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())));
        }
    }

    /** All delays (sorted), those after the first {@link #WARM_S} seconds (sorted: JIT compilation done), disorder. */
    private record Result(List<Double> delays, List<Double> steady, long disorder) {}

    private static final int WARM_S = 2;

    private static Result collect(List<SimulatedLightningd> nodes, LinkedBlockingQueue<JsonObject> lines, int perNode) throws Exception {
        List<String> ids = nodes.stream().map(SimulatedLightningd::nodeId).toList();
        int[] next = new int[NODES];
        long disorder = 0;
        List<Double> delays = new ArrayList<>();
        List<Double> steady = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (delays.size() < perNode * NODES && System.nanoTime() < deadline) {
            JsonObject n = lines.poll(200, TimeUnit.MILLISECONDS);
            if (n == null || !"notification".equals(n.getString("event")) || !n.getJsonObject("body").containsKey("bench_fleet")) {
                continue;
            }
            JsonObject body = n.getJsonObject("body").getJsonObject("bench_fleet");
            int i = ids.indexOf(n.getString("node"));
            if (i < 0 || body.getInteger("k") != next[i]) {
                disorder++;
            }
            if (i >= 0) {
                next[i] = body.getInteger("k") + 1;
            }
            double ms = (n.getLong("received_us") - body.getLong("sent_us")) / 1000.0;
            delays.add(ms);
            if (body.getInteger("k") >= WARM_S * RATE) {
                steady.add(ms);
            }
        }
        delays.sort(Double::compare);
        steady.sort(Double::compare);
        return new Result(delays, steady, disorder);
    }

    /** Until this node's plugin has seen the observer's subscription, its notifications do not reach it. */
    private static void warm(SimulatedLightningd node, LinkedBlockingQueue<JsonObject> lines) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            NodeInternals.notifyPlugins(node, "bench_fleet_warm", new JsonObject());
            JsonObject n = lines.poll(200, TimeUnit.MILLISECONDS);
            while (n != null) {
                if (node.nodeId().equals(n.getString("node")) && "notification".equals(n.getString("event"))) {
                    return;
                }
                n = lines.poll();
            }
        }
        throw new IllegalStateException("the observer never received a notification of " + node.nodeId());
    }

    private static LinkedBlockingQueue<JsonObject> read(Process observer) {
        LinkedBlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(observer.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    lines.add(new JsonObject(l));
                }
            } catch (IOException ignored) {
                // observer gone
            }
        }, "observer-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
