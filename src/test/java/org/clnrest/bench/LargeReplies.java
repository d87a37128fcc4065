package org.clnrest.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Large replies: listinvoices of ~1.4 MB at 16 connections ({@code list}), and one of ~100 MB read by a single
 * client ({@code big}): how much the plugin's RSS grows while it passes it on.
 */
final class LargeReplies implements Scenario {
    static final int SEEDED = 240_000;   // ~100 MB listinvoices
    static final int LIST_LIMIT = 3_300; // ~1.4 MB listinvoices

    @Override
    public String name() {
        return "list";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants("list") && !b.wants("big")) {
            return;
        }
        try (Plugin p = Plugin.start(x -> x.seededInvoices(SEEDED))) {
            if (b.wants("list")) {
                String body = new JsonObject().put("index", "created").put("limit", LIST_LIMIT).encode();
                long bytes = oneCall(b, p, "/v1/listinvoices", body)[1];
                double resting = Proc.rssMiB(p.pid);
                p.wrk("/v1/listinvoices").body(body).connections(16).seconds(b.quick ? 1 : 3).go(); // warm-up
                Proc.Sampler s = new Proc.Sampler(p.pid).start();
                Wrk.Result r = p.wrk("/v1/listinvoices").body(body).connections(16).seconds(b.seconds()).go();
                s.stop();
                Row row = Row.info(String.format(Locale.ROOT, "listinvoices %.1f MB c=16", bytes / 1e6), r.reqPerSec(), r.p50ms(),
                        r.p99ms(), r.requests(), r.errors(), s.cpuSeconds(), s.peakMiB(), "");
                b.add(row.held(">= 230 req/s", r.reqPerSec() >= 230 && r.errors() == 0));
                // The same in YAML: each reply rendered whole in the heap, 16 at a time (the heap grows: a flood).
                Proc.Sampler y = new Proc.Sampler(p.pid).start();
                Wrk.Result yr = p.wrk("/v1/listinvoices").body(body).header("Accept: application/yaml").connections(16)
                        .seconds(b.seconds()).go();
                y.stop();
                b.add(Row.info(String.format(Locale.ROOT, "listinvoices %.1f MB c=16, YAML", bytes / 1e6), yr.reqPerSec(), yr.p50ms(),
                        yr.p99ms(), yr.requests(), yr.errors(), y.cpuSeconds(), y.peakMiB(), ""));
                givenBack(b, p, resting, y.peakMiB());
            }
            if (b.wants("big")) {
                p.node.call("listinvoices", new JsonObject()); // render the node's side once, outside the measurement
                Thread.sleep(1000);
                double before = Proc.rssMiB(p.pid);
                Proc.Sampler s = new Proc.Sampler(p.pid).start();
                long[] c = oneCall(b, p, "/v1/listinvoices", null);
                s.stop();
                double ms = c[2] / 1e6;
                double growth = s.peakMiB() - before;
                Row r = Row.info(String.format(Locale.ROOT, "listinvoices %.0f MB x1: RSS growth", c[1] / 1e6), Double.NaN, ms, ms, 1,
                        c[0] == 201 ? 0 : 1, s.cpuSeconds(), s.peakMiB(),
                        String.format(Locale.ROOT, "growth %.0f MiB (RSS before %.0f MiB), %.1f s", growth, before, ms / 1000));
                b.extra.put("big_reply_bytes", c[1]).put("big_reply_rss_before_mib", Row.round(before))
                        .put("big_reply_rss_growth_mib", Row.round(growth));
                b.add(r.held("growth <= 64 MiB", growth <= 64 && c[0] == 201));
            }
        }
    }

    /**
     * Memory after load (issue 22): RSS before the listinvoices load (one call made), its peak under load, and how long
     * until it is back within 32 MiB of the first (sampled every 0.5 s, for at most 90 s).
     */
    static void givenBack(Bench b, Plugin p, double resting, double peak) throws Exception {
        long t0 = System.nanoTime();
        double rss = Proc.rssMiB(p.pid);
        while (rss > resting + 32 && System.nanoTime() - t0 < 90_000_000_000L) {
            Thread.sleep(500); // sampling RSS: the measurement's own period
            rss = Proc.rssMiB(p.pid);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        boolean back = rss <= resting + 32;
        Row r = Row.info("RSS given back after the listinvoices load", Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, rss,
                String.format(Locale.ROOT, "resting %.0f MiB, peak %.0f MiB, %s", resting, peak,
                        back ? String.format(Locale.ROOT, "back to %.0f MiB in %.0f s", rss, s) : "still " + rss + " MiB after 90 s"));
        b.extra.put("rss_resting_mib", Row.round(resting)).put("rss_load_peak_mib", Row.round(peak))
                .put("rss_given_back_s", back ? Row.round(s) : -1);
        b.add(r.held("back within 32 MiB of resting in <= 60 s", back && s <= 60));
    }

    /** One POST read to its end: {status, bytes, nanoseconds}. */
    static long[] oneCall(Bench b, Plugin p, String path, String body) throws Exception {
        HttpClient client = p.https(b.vertx);
        try {
            long t0 = System.nanoTime();
            AtomicLong bytes = new AtomicLong();
            int status = client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path).addHeader("Rune", p.rune)
                            .addHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(Buffer.buffer(body == null ? "" : body)))
                    .compose(res -> {
                        res.handler(x -> bytes.addAndGet(x.length()));
                        return res.end().map(v -> res.statusCode());
                    }).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            return new long[]{status, bytes.get(), System.nanoTime() - t0};
        } finally {
            client.close().await();
        }
    }
}
