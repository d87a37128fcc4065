package org.clnrest.notify;

import io.vertx.core.Vertx;

/**
 * Engine.IO v4's heartbeat, server side, as the reference server keeps it: a ping every pingInterval after the
 * last pong; after a ping the client has pingTimeout to answer; any packet from the client moves the deadline to
 * pingInterval + pingTimeout from then. A silent client is thus closed pingInterval + pingTimeout (45 s) after
 * its last sign of life. One timer for the ping, one for the deadline (re-armed lazily, not per packet).
 */
final class Heartbeat {
    private final Vertx vertx;
    private final Timeouts timeouts;
    private final Runnable ping;
    private final Runnable timedOut;
    private long pingTimer = -1;
    private long deadlineTimer = -1;
    private long deadline;
    private boolean stopped;

    Heartbeat(Vertx vertx, Timeouts timeouts, Runnable ping, Runnable timedOut) {
        this.vertx = vertx;
        this.timeouts = timeouts;
        this.ping = ping;
        this.timedOut = timedOut;
    }

    /** Schedule the next ping pingInterval from now (at open, and on every pong). */
    void schedulePing() {
        if (stopped) {
            return;
        }
        vertx.cancelTimer(pingTimer);
        pingTimer = vertx.setTimer(timeouts.pingIntervalMs(), t -> {
            pingTimer = -1;
            deadline = System.nanoTime() + timeouts.pingTimeoutMs() * 1_000_000;
            armDeadline(timeouts.pingTimeoutMs());
            ping.run();
        });
    }

    /** The client sent something: it is alive for another pingInterval + pingTimeout. */
    void alive() {
        deadline = System.nanoTime() + (timeouts.pingIntervalMs() + timeouts.pingTimeoutMs()) * 1_000_000;
    }

    private void armDeadline(long ms) {
        vertx.cancelTimer(deadlineTimer);
        deadlineTimer = vertx.setTimer(Math.max(1, ms), t -> {
            deadlineTimer = -1;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                stop();
                timedOut.run();
            } else {
                armDeadline(left / 1_000_000 + 1);
            }
        });
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(pingTimer);
        vertx.cancelTimer(deadlineTimer);
    }
}
