package org.clnrest.notify;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.Vertx;

import org.clnrest.metrics.NotificationStats;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.LoggerFactory;

/** What the unit tests of a session need: a budget, and a layer above that records what reaches it. */
final class Sessions {
    private Sessions() {
    }

    static NotificationBudget budget(Vertx vertx, long perClient, long total) {
        return new NotificationBudget(perClient, total, new RateLimitedLog(vertx, LoggerFactory.getLogger("test"), 10_000, true),
                NotificationStats.NONE);
    }

    /** The layer above a session: the messages it was given, in order, and why the session closed. */
    static final class Recorder implements EngineIoSession.Listener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @Override
        public void onMessage(EngineIoPacket message) {
            received.add(message.data());
        }

        @Override
        public void onClose(CloseReason reason) {
            closed.complete(reason);
        }
    }
}
