package org.clnrest.metrics;

/**
 * The {@link Stats} in use: {@link Stats#NONE} until the metrics verticle (deployed only when clnrest-metrics-port is
 * set) installs Micrometer's, before any other verticle of init starts. One per process, made by {@code Main} and
 * handed to the verticles that count (the RPC client, the REST server and its notification transports), which read
 * it when they start.
 */
public final class Metrics {
    private volatile Stats stats = Stats.NONE;

    public Stats stats() {
        return stats;
    }

    void install(Stats s) {
        stats = s;
    }
}
