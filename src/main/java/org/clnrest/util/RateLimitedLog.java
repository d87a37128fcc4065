package org.clnrest.util;

import io.vertx.core.Vertx;

import org.slf4j.Logger;

/**
 * The one rate limiter for log lines that may repeat at a stranger's pace (refused calls and clients, dropped
 * clients, connections closed at the cap): the first {@code perWindow} lines of a window are written at once, the
 * others are counted and written as one line when the window ends, so lightningd's log gets at most
 * {@code perWindow + 1} lines per window however fast they come. Synchronized: the cluster's calls come on its own
 * event loop.
 */
public final class RateLimitedLog {
    private final Vertx vertx;
    private final Logger log;
    private final long windowMs;
    private final boolean warn;
    private final int perWindow;
    private int written;
    private boolean open;
    private long count;
    private String last;

    public RateLimitedLog(Vertx vertx, Logger log, long windowMs, boolean warn) {
        this(vertx, log, windowMs, warn, 1);
    }

    public RateLimitedLog(Vertx vertx, Logger log, long windowMs, boolean warn, int perWindow) {
        this.vertx = vertx;
        this.log = log;
        this.windowMs = windowMs;
        this.warn = warn;
        this.perWindow = perWindow;
    }

    public synchronized void log(String line) {
        if (open) {
            if (written < perWindow) {
                written++;
                write(line);
            } else {
                count++;
                last = line;
            }
            return;
        }
        write(line);
        written = 1;
        open = true;
        vertx.setTimer(windowMs, t -> endWindow());
    }

    private synchronized void endWindow() {
        written = 0;
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
