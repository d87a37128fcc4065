package org.clnrest.notify;

import io.vertx.core.Vertx;

import org.clnrest.auth.RuneCheck;
import org.clnrest.metrics.NotificationStats;
import org.clnrest.util.RateLimitedLog;

/**
 * What the two notification transports (Socket.IO, plain WebSocket) share: one rune check, one set of timeouts, one
 * byte budget, one rune watch, one refusal log and one set of counters.
 */
record Shared(Vertx vertx, RuneCheck runes, Timeouts timeouts, NotificationBudget budget, RuneWatch runeWatch,
              RateLimitedLog refusals, NotificationStats stats) {
}
