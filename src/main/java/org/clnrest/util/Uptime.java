package org.clnrest.util;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;

/** Start-up milestones at debug level, measured from the process's start; read only when debug is on. */
public final class Uptime {
    private Uptime() {}

    public static void log(Logger log, String milestone) {
        if (log.isDebugEnabled()) {
            log.debug("{} at {} ms since the process started", milestone, sinceStart());
        }
    }

    /**
     * On Linux from /proc (the process's start and the time since boot, both in 10 ms ticks): Java's
     * ProcessHandle start instant adds the boot time, which Linux gives in whole seconds, and is up to a second off.
     */
    static long sinceStart() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double started = Long.parseLong(f[19]) / 100.0;
            double now = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return Math.round((now - started) * 1000);
        } catch (Exception notLinux) {
            return ProcessHandle.current().info().startInstant().map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
        }
    }
}
