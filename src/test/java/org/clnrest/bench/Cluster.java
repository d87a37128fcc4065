package org.clnrest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;

import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;

/** The clustered event bus ({@code cluster}): a plugin with clnrest-cluster on and the observer example in its own JVM. */
final class Cluster implements Scenario {
    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants(name())) {
            return;
        }
        int notifications = b.quick ? 10 : 50;
        Path dir = Files.createTempDirectory("clnrest-bench-cluster");
        int port = Harness.freePort();
        int pluginPort = Harness.freePort();
        int observerPort = Harness.freePort();
        SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(Plugin.launcher())
                .option("clnrest-port", port).option("clnrest-cluster", "127.0.0.1").option("clnrest-cluster-port", pluginPort)
                .build().start();
        Process observer = null;
        try {
            node.awaitLog("REST server running at", Duration.ofSeconds(60));
            String up = node.awaitLog("Cluster event bus up", Duration.ofSeconds(60));
            long pid = NodeInternals.pluginProcesses(node).get(0).pid();
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            long t0 = System.nanoTime();
            observer = new ProcessBuilder(java.toString(), "-cp", Bench.ROOT.resolve("target/clnrest-vertx.jar").toString(),
                    "org.clnrest.cluster.Observer", "--host", "127.0.0.1", "--port", Integer.toString(observerPort),
                    "--members", "127.0.0.1:" + pluginPort, "--ca", node.networkDir().resolve("ca.pem").toString(),
                    "--cert", node.networkDir().resolve("client.pem").toString(), "--key", node.networkDir().resolve("client-key.pem").toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(observer.getInputStream(), StandardCharsets.UTF_8));
            JsonObject ready = new JsonObject(out.readLine());
            double joinedMs = (System.nanoTime() - t0) / 1e6;
            LinkedBlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
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
            // The first notification to arrive shows the plugin has seen the observer's subscription.
            long firstAt = System.nanoTime();
            JsonObject first = null;
            while (first == null && System.nanoTime() - firstAt < 60e9) {
                NodeInternals.notifyPlugins(node, "bench_cluster", new JsonObject().put("n", -1).put("sent_ms", System.currentTimeMillis()));
                first = lines.poll(200, TimeUnit.MILLISECONDS);
            }
            double subscribedMs = (System.nanoTime() - t0) / 1e6;
            Thread.sleep(300);
            lines.clear();
            Proc.Sampler s = new Proc.Sampler(pid).start();
            for (int i = 0; i < notifications; i++) {
                NodeInternals.notifyPlugins(node, "bench_cluster", new JsonObject().put("n", i).put("sent_ms", System.currentTimeMillis()));
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
            b.add(Row.info("cluster observer notifications", Double.NaN, Bench.percentile(delays, 0.5), Bench.percentile(delays, 0.99),
                    notifications, notifications - delays.size(), s.cpuSeconds(), s.peakMiB(), String.format(Locale.ROOT,
                            "observer joined in %.0f ms (its own count %d ms), first notification at %.0f ms; plugin: %s",
                            joinedMs, ready.getLong("join_ms"), subscribedMs, up.replaceAll(".*Cluster event bus up on \\S+ ", ""))));
            b.extra.put("cluster", new JsonObject().put("observer_join_ms", Row.round(joinedMs)).put("first_notification_ms", Row.round(subscribedMs))
                    .put("delivered", delays.size()));
        } finally {
            if (observer != null) {
                observer.destroy();
                observer.waitFor(10, TimeUnit.SECONDS);
            }
            node.close();
            Harness.deleteTree(dir);
        }
    }
}
