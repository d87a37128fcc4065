package org.clnrest.bench;

import java.util.Locale;

/**
 * What a user meets after a (re)start: a plugin just spawned (TLS identity already present), loaded from its
 * very first request with getinfo at 64 connections, in consecutive 5-second windows. The first window is
 * measured in two wrk runs: the first 1,000 requests on their own (their p50/p99), then the rest of the window.
 * Each window is a wrk run of its own, so each opens its 64 connections (and TLS handshakes) anew.
 */
final class ColdStart implements Scenario {
    static final int CONNECTIONS = 64;
    static final int WINDOW_MS = 5_000;

    @Override
    public String name() {
        return "cold";
    }

    @Override
    public void run(Bench b) throws Exception {
        if (!b.wants(name())) {
            return;
        }
        int windows = b.quick ? 2 : 7;
        for (int run = 1; run <= b.coldRuns; run++) {
            String tag = b.coldRuns > 1 ? " #" + run : "";
            try (Plugin p = Plugin.start(x -> x)) {
                long t0 = System.currentTimeMillis();
                double cpu0 = Proc.cpuSeconds(p.pid);
                Proc.Sampler rss = new Proc.Sampler(p.pid).start();
                Wrk.Result first = p.wrk("/v1/getinfo").connections(CONNECTIONS).until(t0 + 60_000).maxResponsesPerThread(500).go();
                double cpuFirst = Proc.cpuSeconds(p.pid) - cpu0;
                Row r = Row.info("cold getinfo c=64: first 1,000 requests" + tag, first.reqPerSec(), first.p50ms(), first.p99ms(),
                        first.requests(), first.errors(), cpuFirst, Double.NaN,
                        String.format(Locale.ROOT, "took %.2f s; %s", first.seconds(), p.jvm()));
                b.add(r.held("p99 <= 50 ms", first.p99ms() <= 50 && first.errors() == 0));
                long requests = first.requests();
                long errors = first.errors();
                double worstP99 = first.p99ms();
                if (System.currentTimeMillis() < t0 + WINDOW_MS - 200) {
                    Wrk.Result rest = p.wrk("/v1/getinfo").connections(CONNECTIONS).until(t0 + WINDOW_MS).go();
                    requests += rest.requests();
                    errors += rest.errors();
                    worstP99 = Math.max(worstP99, rest.p99ms());
                }
                double cpu = Proc.cpuSeconds(p.pid) - cpu0;
                double secs = (System.currentTimeMillis() - t0) / 1000.0;
                Row w0 = Row.info("cold getinfo c=64: 0-5 s" + tag, requests / secs, Double.NaN, worstP99, requests, errors, cpu,
                        Double.NaN, "p99: the worse of its two runs");
                boolean met = w0.reqPerSec() >= 3000 && w0.cpuPerRequestMs() <= 0.3;
                b.add(w0.held(">= 3,000 req/s, <= 0.3 ms CPU/req", met));
                for (int w = 1; w < windows; w++) {
                    double c0 = Proc.cpuSeconds(p.pid);
                    Wrk.Result res = p.wrk("/v1/getinfo").connections(CONNECTIONS).until(t0 + (long) WINDOW_MS * (w + 1)).go();
                    b.add(Row.info(String.format(Locale.ROOT, "cold getinfo c=64: %d-%d s%s", w * 5, w * 5 + 5, tag),
                            res.reqPerSec(), res.p50ms(), res.p99ms(), res.requests(), res.errors(), Proc.cpuSeconds(p.pid) - c0,
                            Double.NaN, ""));
                }
                rss.stop();
                b.extra.put("cold_peak_rss_mib" + tag.replace(" #", "_"), Row.round(rss.peakMiB()));
            }
        }
    }
}
