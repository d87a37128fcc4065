package org.clnrest.http;

import io.vertx.ext.web.RoutingContext;

/**
 * The memory that requests not yet answered may hold, all connections together (clnrest-request-memory):
 * their bodies as they arrive and while they wait, and the params parsed from them. A request that would go
 * past it gets 503 at once; each request gives its share back when it ends, however it ends. One event loop
 * owns it: no locking.
 */
final class RequestBudget {
    private static final String HELD = "clnrest.budget";
    /** What one value of parsed params costs, roughly: a map or list entry, its boxed value, the tree around it. */
    static final int BYTES_PER_VALUE = 64;

    private final long max;
    private long held;

    RequestBudget(long max) {
        this.max = max;
    }

    /** Charge {@code bytes} to the request; false (nothing charged) when the budget would be exceeded. */
    boolean charge(RoutingContext ctx, long bytes) {
        if (held + bytes > max) {
            return false;
        }
        held += bytes;
        long[] mine = ctx.get(HELD);
        if (mine == null) {
            long[] share = {0};
            mine = share;
            ctx.put(HELD, share);
            ctx.addEndHandler(ar -> {
                held -= share[0];
                share[0] = 0;
            });
        }
        mine[0] += bytes;
        return true;
    }

    long held() {
        return held;
    }

    long max() {
        return max;
    }
}
