package org.clnrest.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcUnavailable;

/**
 * {@code GET /health}, without a rune, for load balancers and supervisors: 200 when this server is up and
 * lightningd's RPC answers, with the round trip, 503 otherwise. The check is {@code help {command: "help"}}:
 * lightningd answers it from its command table (no database, no walk over peers or channels, a reply of a few
 * hundred bytes), where {@code getinfo} sums the forwarding fees in the database. One check at a time, and its
 * answer is reused for {@link #CACHE_MS}, so a flood of health requests costs lightningd one call a second.
 */
final class Health {
    static final long CACHE_MS = 1_000;
    /** A node that takes longer than this to answer is not healthy. */
    static final long TIMEOUT_MS = 5_000;

    private final Rpc rpc;
    private Future<JsonObject> last;
    private long lastAt;

    Health(Rpc rpc) {
        this.rpc = rpc;
    }

    void handle(RoutingContext ctx) {
        check().onSuccess(state -> {
            JsonObject body = state.copy().put("age_ms", System.currentTimeMillis() - lastAt);
            ctx.response().setStatusCode("ok".equals(state.getString("status")) ? 200 : 503)
                    .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(body.toBuffer());
        });
    }

    /** The cached state, or a new check when it is older than {@link #CACHE_MS} (a check in progress is shared). */
    private Future<JsonObject> check() {
        long now = System.currentTimeMillis();
        if (last != null && (!last.isComplete() || now - lastAt < CACHE_MS)) {
            return last;
        }
        lastAt = now;
        long start = System.nanoTime();
        last = rpc.call("help", new JsonObject().put("command", "help"), TIMEOUT_MS)
                .map(reply -> new JsonObject().put("status", "ok").put("rpc_ms", (System.nanoTime() - start) / 10_000 / 100.0))
                .otherwise(e -> new JsonObject().put("status", "unavailable").put("code", -32000).put("message",
                        // public: no socket path or system error text
                        e instanceof RpcUnavailable u && u.timeout() ? "lightningd did not answer within " + TIMEOUT_MS / 1000 + " s"
                                : "lightningd is unavailable: its RPC socket does not answer"))
                .onComplete(ar -> lastAt = System.currentTimeMillis());
        return last;
    }
}
