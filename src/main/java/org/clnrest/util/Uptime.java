package org.clnrest.util;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;

/** Start-up milestones at debug level, measured from the process's start; read only when debug is on. */
public final class Uptime {
    private Uptime() {}

    public static void log(Logger log, String milestone) {
        if (log.isDebugEnabled()) {
            long ms = ProcessHandle.current().info().startInstant().map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
            log.debug("{} at {} ms since the JVM started", milestone, ms);
        }
    }
}
