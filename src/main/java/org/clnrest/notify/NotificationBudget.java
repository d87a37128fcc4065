package org.clnrest.notify;

import org.clnrest.util.RateLimitedLog;
import java.util.LinkedHashSet;
import java.util.Set;

import org.clnrest.metrics.NotificationStats;

/**
 * What notification clients may hold in the plugin: bytes of notifications queued for a client, or handed to its
 * connection and not yet written out (in netty's outbound buffer, plain or TLS-encrypted: a write's bytes are
 * released when netty reports it written). A client closed while it still holds bytes has its connection closed
 * at once ({@link ChannelOutbound#abort}), so what its account stops counting is freed, not left in the socket. Each client has an {@link Account}: past {@code perClient}
 * (clnrest-notification-buffer) the client itself is dropped; when all accounts together pass {@code total}
 * (clnrest-notification-buffer-total), the clients holding the most are dropped until the total is under it again.
 * One budget is shared by every notification transport (Socket.IO, plain WebSocket). Event-loop confined.
 */
public final class NotificationBudget {
    /** What the budget does to a client it drops. */
    interface Droppable {
        void drop(CloseReason reason);
    }

    private final long perClient;
    private final long total;
    private final Set<Account> accounts = new LinkedHashSet<>();
    private final RateLimitedLog dropLog;
    private final NotificationStats stats;
    private long used;

    NotificationBudget(long perClient, long total, RateLimitedLog dropLog, NotificationStats stats) {
        this.perClient = perClient;
        this.total = total;
        this.dropLog = dropLog;
        this.stats = stats;
    }

    long perClient() {
        return perClient;
    }

    /** A client dropped for not reading: logged (rate-limited: a flood of drops is one line per window) and counted. */
    void logDrop(String line) {
        dropLog.log(line);
        stats.clientDropped();
    }

    long used() {
        return used;
    }

    Account open(Droppable client) {
        Account a = new Account(client);
        accounts.add(a);
        return a;
    }

    /** One client's share. */
    final class Account {
        private final Droppable client;
        private long held;
        private boolean closed;

        private Account(Droppable client) {
            this.client = client;
        }

        long held() {
            return held;
        }

        /**
         * Count {@code bytes} more for this client. False when it passed its own cap (the caller drops it, saying
         * why); when the total passes the global cap, the biggest holders are dropped here (maybe this one).
         */
        boolean add(long bytes) {
            if (closed) {
                return false;
            }
            held += bytes;
            used += bytes;
            if (held > perClient) {
                return false;
            }
            if (used > total) {
                enforce();
            }
            return !closed;
        }

        void release(long bytes) {
            if (!closed) {
                held -= bytes;
                used -= bytes;
            }
        }

        /** The client is gone: what it held no longer counts. */
        void close() {
            if (!closed) {
                closed = true;
                used -= held;
                held = 0;
                accounts.remove(this);
            }
        }
    }

    private void enforce() {
        while (used > total) {
            Account biggest = null;
            for (Account a : accounts) {
                if (biggest == null || a.held > biggest.held) {
                    biggest = a;
                }
            }
            if (biggest == null) {
                return;
            }
            long held = biggest.held;
            logDrop("Disconnected a notification client holding " + held + " bytes: all clients together held more than "
                    + "clnrest-notification-buffer-total (" + total + " bytes)");
            biggest.client.drop(CloseReason.GLOBAL_BUDGET); // closes its account, after seeing what it still held
            biggest.close();
        }
    }
}
