package org.clnrest.util;

import io.vertx.core.Vertx;

import org.slf4j.Logger;

/**
 * A log line that may repeat at a stranger's pace (refused clients, dropped clients): the first one is written
 * at once, the others within the window are counted and written as one line when the window ends, so lightningd's
 * log gets at most one line per window however fast they come.
 */
public final class RateLimitedLog {
    private final Vertx vertx;
    private final Logger log;
    private final long windowMs;
    private final boolean warn;
    private boolean open;
    private long count;
    private String last;

    public RateLimitedLog(Vertx vertx, Logger log, long windowMs, boolean warn) {
        this.vertx = vertx;
        this.log = log;
        this.windowMs = windowMs;
        this.warn = warn;
    }

    public void log(String line) {
        if (open) {
            count++;
            last = line;
            return;
        }
        write(line);
        open = true;
        vertx.setTimer(windowMs, t -> endWindow());
    }

    private void endWindow() {
        if (count == 0) {
            open = false;
            return;
        }
        write(count + " more like it in the last " + (windowMs / 1000) + " s, the last: " + last);
        count = 0;
        last = null;
        vertx.setTimer(windowMs, t -> endWindow());
    }

    private void write(String line) {
        if (warn) {
            log.warn("{}", line);
        } else {
            log.info("{}", line);
        }
    }
}
