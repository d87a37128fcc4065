package org.clnrest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;

import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;

/**
 * Spawn → first HTTP answer: from the plugin process's start (as /proc records it, to 10 ms) to the first answer of
 * {@code POST /v1/getinfo} (any status) from a client polling every 5 ms. Each round starts the plugin in a
 * fresh lightning-dir (it generates its TLS identity: a first start), then again in the same one (the
 * identity is there). One unmeasured start first warms the bench's own client.
 */
final class Spawn implements Scenario {
    @Override
    public String name() {
        return "spawn";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants(name())) {
            return;
        }
        int rounds = b.quick ? 2 : 5;
        List<Double> fresh = new ArrayList<>();
        List<Double> present = new ArrayList<>();
        double[] rss = new double[1];
        Path warm = Files.createTempDirectory("clnrest-bench-spawn");
        once(b, warm, rss);
        Harness.deleteTree(warm);
        for (int i = 0; i < rounds; i++) {
            Path dir = Files.createTempDirectory("clnrest-bench-spawn");
            try {
                fresh.add(once(b, dir, rss));
                present.add(once(b, dir, rss));
            } finally {
                Harness.deleteTree(dir);
            }
        }
        row(b, "spawn -> first HTTP answer, identity present", present, 600, rss[0]);
        row(b, "spawn -> first HTTP answer, first start (generates TLS)", fresh, 1000, rss[0]);
        b.extra.put("spawn_identity_present_ms", new JsonArray(new ArrayList<>(present))).put("spawn_first_start_ms", new JsonArray(new ArrayList<>(fresh)));
    }

    private static void row(Bench b, String name, List<Double> times, double targetMs, double rss) {
        List<Double> sorted = new ArrayList<>(times);
        sorted.sort(Double::compare);
        double max = sorted.get(sorted.size() - 1);
        StringBuilder all = new StringBuilder();
        times.forEach(t -> all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", t)));
        Row r = Row.info(name, Double.NaN, Bench.percentile(sorted, 0.5), max, times.size(), 0, Double.NaN, rss,
                "ms, p50 = median, p99 column = slowest of " + times.size() + ": " + all);
        b.add(r.held(String.format(Locale.ROOT, "every start <= %.1f s", targetMs / 1000), max <= targetMs));
    }

    /** One start in {@code dir}: milliseconds from the process's start to the first answer. */
    private static double once(Bench b, Path dir, double[] rss) throws Exception {
        int port = Harness.freePort();
        HttpClient client = b.vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
                .setConnectTimeout(200));
        AtomicLong answeredAt = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Double> answeredSinceBoot = new java.util.concurrent.atomic.AtomicReference<>();
        Thread poller = new Thread(() -> {
            long give = System.currentTimeMillis() + 30_000;
            while (answeredAt.get() == 0 && System.currentTimeMillis() < give) {
                try {
                    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/v1/getinfo"))
                            .compose(req -> req.send()).compose(res -> res.body().map(x -> res.statusCode()))
                            .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
                    if (answeredAt.compareAndSet(0, System.currentTimeMillis())) {
                        answeredSinceBoot.set(Proc.sinceBoot());
                    }
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
        SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(Plugin.launcher()).option("clnrest-port", port).build().start();
        try {
            poller.join(35_000);
            Process plugin = NodeInternals.pluginProcesses(node).get(0);
            rss[0] = Proc.rssMiB(plugin.pid());
            double cpu = Proc.cpuSeconds(plugin.pid());
            double ms = (answeredSinceBoot.get() - Proc.startedSinceBoot(plugin.pid())) * 1000;
            // With CLNREST_LOG_LEVEL=DEBUG, the plugin's own start-up milestones (util.Uptime) say where the time went.
            StringBuilder milestones = new StringBuilder();
            for (String l : node.log()) {
                int at = l.indexOf(" since the process started");
                if (at > 0) {
                    milestones.append(milestones.length() == 0 ? "; " : ", ").append(l.substring(l.indexOf(": ") + 2, at));
                }
            }
            System.err.printf(Locale.ROOT, "bench: spawn -> first HTTP answer %.0f ms (plugin CPU by then %.2f s, RSS %.0f MiB%s)%n",
                    ms, cpu, rss[0], milestones);
            return ms;
        } finally {
            node.close();
            client.close().await();
        }
    }
}
