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
                p.wrk("/v1/listinvoices").body(body).connections(16).seconds(b.quick ? 1 : 3).go(); // warm-up
                Proc.Sampler s = new Proc.Sampler(p.pid).start();
                Wrk.Result r = p.wrk("/v1/listinvoices").body(body).connections(16).seconds(b.seconds()).go();
                s.stop();
                Row row = Row.info(String.format(Locale.ROOT, "listinvoices %.1f MB c=16", bytes / 1e6), r.reqPerSec(), r.p50ms(),
                        r.p99ms(), r.requests(), r.errors(), s.cpuSeconds(), s.peakMiB(), "");
                b.add(row.held(">= 230 req/s", r.reqPerSec() >= 230 && r.errors() == 0));
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
