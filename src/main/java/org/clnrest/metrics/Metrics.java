package org.clnrest.metrics;

/**
 * The {@link Stats} in use: {@link Stats#NONE} until the metrics verticle (deployed by name only when
 * clnrest-metrics-port is set) installs Micrometer's, before any other verticle of init starts.
 */
public final class Metrics {
    private static volatile Stats stats = Stats.NONE;

    private Metrics() {}

    public static Stats stats() {
        return stats;
    }

    static void install(Stats s) {
        stats = s;
    }
}
