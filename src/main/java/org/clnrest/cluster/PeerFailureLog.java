package org.clnrest.cluster;

import java.util.HashSet;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

import org.clnrest.util.VertxInternals;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Bounds what a stranger in the cluster can write to lightningd's log. Vert.x's clustered event bus logs a
 * line each time it fails to reach a member ("Connecting to server &lt;id&gt; failed"), and it tries again at
 * every message for that member: a process that joins Hazelcast without the fleet's certificate and
 * subscribes to the notifications would cost one line per notification. Here each distinct line is written
 * once per {@link #WINDOW_MS}, and at most {@link #MAX_LINES} lines of the clustered bus per window.
 */
final class PeerFailureLog extends TurboFilter {
    static final long WINDOW_MS = 60_000;
    static final int MAX_LINES = 20;
    private static final String CLUSTERED = VertxInternals.CLUSTERED_BUS_LOGGERS;

    private final Set<String> seen = new HashSet<>();
    private long windowStart;

    /** Installed once per process, when the cluster starts (logging of other parts is left as it is). */
    static synchronized void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext c
                && c.getTurboFilterList().stream().noneMatch(f -> f instanceof PeerFailureLog)) {
            c.addTurboFilter(new PeerFailureLog());
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || !logger.getName().startsWith(CLUSTERED) || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        return admit(format, System.currentTimeMillis()) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }

    synchronized boolean admit(String line, long now) {
        if (now - windowStart > WINDOW_MS) {
            windowStart = now;
            seen.clear();
        }
        return seen.size() < MAX_LINES && seen.add(line);
    }
}
