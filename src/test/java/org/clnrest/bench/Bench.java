package org.clnrest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The benchmark ({@code bench/run}; README, "Benchmark"): the packaged plugin ({@code bin/clnrest-vertx}, default
 * launcher settings) under the simulated lightningd, loaded by wrk over https and by the npm socket.io-client.
 * Every scenario prints its figures with their targets beside them; one table goes to stdout at the end and
 * the same as JSON to {@code target/bench/results.json}.
 *
 * For every load: requests/s, p50, p99, errors, the plugin's CPU seconds (utime+stime of its process from /proc,
 * JIT and GC threads included), CPU per request, and its peak RSS (VmRSS sampled every 10 ms).
 *
 * <pre>bench/run [--quick] [--only=cold,getinfo,...] [--cold-runs=N]</pre>
 * Scenarios, in run order: see {@link #SCENARIOS}. Compiled with the test classes (no class here is a test),
 * run on the test class path by {@code bench/run}.
 */
public final class Bench {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final List<Scenario> SCENARIOS = List.of(new ColdStart(), new CostlyCheckrune(), new WarmLoad(), new LargeReplies(),
            new FanOut(), new Spawn(), new Cluster(), new FleetLoad());

    final boolean quick;
    final Set<String> only;
    final int coldRuns;
    final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
    final JsonObject extra = new JsonObject();
    Vertx vertx;

    Bench(boolean quick, Set<String> only, int coldRuns) {
        this.quick = quick;
        this.only = only;
        this.coldRuns = coldRuns;
    }

    /** Seconds of a timed load. */
    int seconds() {
        return quick ? 3 : 10;
    }

    boolean wants(String part) {
        return only.isEmpty() || only.contains(part);
    }

    public static void main(String[] args) throws Exception {
        Set<String> only = new LinkedHashSet<>();
        int coldRuns = 1;
        for (String a : args) {
            if (a.startsWith("--only=")) {
                only.addAll(List.of(a.substring(7).split(",")));
            } else if (a.startsWith("--cold-runs=")) {
                coldRuns = Integer.parseInt(a.substring(12));
            } else if (!a.equals("--quick")) {
                throw new IllegalArgumentException("unknown argument " + a + "; usage: bench/run [--quick] [--only=a,b] [--cold-runs=N]");
            }
        }
        Bench b = new Bench(List.of(args).contains("--quick"), only, coldRuns);
        b.vertx = Vertx.vertx();
        try {
            NodeWarmUp.run(b);
            for (Scenario s : SCENARIOS) {
                s.run(b);
            }
        } finally {
            b.vertx.close().await();
        }
        b.report();
        System.exit(0);
    }

    void add(Row r) {
        rows.add(r);
        System.err.printf(Locale.ROOT, "bench: %-44s %s%s%n", r.scenario(), figures(r),
                r.met() == null ? "" : "   [target " + r.target() + ": " + r.verdict() + "]");
    }

    static String figures(Row r) {
        StringBuilder s = new StringBuilder();
        if (!Double.isNaN(r.reqPerSec())) {
            s.append(String.format(Locale.ROOT, "%.0f req/s, ", r.reqPerSec()));
        }
        s.append(String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms", r.p50ms(), r.p99ms()));
        if (!Double.isNaN(r.cpuPerRequestMs())) {
            s.append(String.format(Locale.ROOT, ", %.3f ms CPU/req", r.cpuPerRequestMs()));
        }
        if (r.peakRssMiB() > 0) {
            s.append(String.format(Locale.ROOT, ", RSS %.0f MiB", r.peakRssMiB()));
        }
        if (!r.note().isEmpty()) {
            s.append(" (").append(r.note()).append(')');
        }
        return s.toString();
    }

    void report() throws IOException {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%-44s %8s %9s %9s %8s %6s %10s %8s  %-8s %s%n", "scenario", "req/s", "p50 ms", "p99 ms",
                "requests", "errors", "CPU/req ms", "RSS MiB", "verdict", "target; note"));
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "%-44s %8s %9.2f %9.2f %8d %6d %10s %8.0f  %-8s %s%n", r.scenario(),
                    Double.isNaN(r.reqPerSec()) ? "-" : String.format(Locale.ROOT, "%.0f", r.reqPerSec()), r.p50ms(), r.p99ms(),
                    r.requests(), r.errors(),
                    Double.isNaN(r.cpuPerRequestMs()) ? "-" : String.format(Locale.ROOT, "%.3f", r.cpuPerRequestMs()),
                    r.peakRssMiB(), r.verdict(), (r.target().isEmpty() ? "" : r.target() + "; ") + r.note()));
        }
        long missed = rows.stream().filter(r -> Boolean.FALSE.equals(r.met())).count();
        long held = rows.stream().filter(r -> r.met() != null).count();
        t.append(String.format(Locale.ROOT, "targets: %d of %d met%n", held - missed, held));
        System.out.print(t);
        JsonArray a = new JsonArray();
        rows.forEach(r -> a.add(r.toJson()));
        JsonObject json = new JsonObject().put("rows", a).put("extra", extra)
                .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
                        .put("bench_java", System.getProperty("java.version")));
        Path out = ROOT.resolve("target/bench/results.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json.encodePrettily());
        System.out.println("written: " + ROOT.relativize(out));
    }

    static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
