package org.clnrest.bench;

import io.vertx.core.json.JsonObject;

/**
 * One line of the benchmark's table: what was measured, and the target it is held to ({@code met} is null when
 * the line has no target).
 */
record Row(String scenario, double reqPerSec, double p50ms, double p99ms, long requests, long errors, double cpuSeconds,
           double peakRssMiB, String note, String target, Boolean met) {

    static Row info(String scenario, double reqPerSec, double p50ms, double p99ms, long requests, long errors, double cpuSeconds,
                    double peakRssMiB, String note) {
        return new Row(scenario, reqPerSec, p50ms, p99ms, requests, errors, cpuSeconds, peakRssMiB, note, "", null);
    }

    Row held(String target, boolean met) {
        return new Row(scenario, reqPerSec, p50ms, p99ms, requests, errors, cpuSeconds, peakRssMiB, note, target, met);
    }

    Row noted(String more) {
        return new Row(scenario, reqPerSec, p50ms, p99ms, requests, errors, cpuSeconds, peakRssMiB,
                note.isEmpty() ? more : note + "; " + more, target, met);
    }

    double cpuPerRequestMs() {
        return requests == 0 || Double.isNaN(cpuSeconds) ? Double.NaN : cpuSeconds * 1000.0 / requests;
    }

    String verdict() {
        return met == null ? "" : met ? "met" : "NOT met";
    }

    JsonObject toJson() {
        return new JsonObject().put("scenario", scenario).put("req_per_s", round(reqPerSec)).put("p50_ms", round(p50ms))
                .put("p99_ms", round(p99ms)).put("requests", requests).put("errors", errors)
                .put("plugin_cpu_s", round(cpuSeconds)).put("plugin_cpu_per_req_ms", round(cpuPerRequestMs()))
                .put("plugin_peak_rss_mib", round(peakRssMiB)).put("note", note).put("target", target)
                .put("met", met);
    }

    static double round(double d) {
        return Double.isNaN(d) ? -1 : Math.round(d * 1000.0) / 1000.0;
    }
}
