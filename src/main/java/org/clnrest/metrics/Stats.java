package org.clnrest.metrics;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * What the plugin reports to its metrics. Every method is a no-op in {@link #NONE}, the instance in use
 * while clnrest-metrics-port is unset; {@link Metrics#stats()} gives the one in use. No Micrometer type
 * appears here: with metrics off, nothing of Micrometer is loaded.
 */
public interface Stats {
    Stats NONE = new Stats() {};

    /** Where the REST router puts the RPC method lightningd ran for a request ("unknown" for -32601). */
    String RAN_KEY = "clnrest.metrics.ran";

    /** An RPC call to lightningd starts: a token for {@link #rpcEnd} (0 when metrics are off). */
    default long rpcStart() {
        return 0;
    }

    /**
     * The call ended. {@code errorCode}: 0 for a result, lightningd's error code, or {@link #UNREACHED} when
     * lightningd was not reached (socket gone, timeout).
     */
    default void rpcEnd(long start, String method, int errorCode) {}

    int UNREACHED = Integer.MIN_VALUE;

    /** The REST router's first handler when metrics are on (times every request), else null. */
    default Handler<RoutingContext> restHandler() {
        return null;
    }

    /** What the notification side (Socket.IO) reports. */
    default NotificationStats notifications() {
        return NotificationStats.NONE;
    }
}
