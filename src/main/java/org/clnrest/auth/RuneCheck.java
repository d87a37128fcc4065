package org.clnrest.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcReply;

/**
 * The one place a rune is checked, for REST calls, dynamic paths, Socket.IO connections and cluster
 * observers alike: lightningd's {@code checkrune}. A refusal is an {@link AuthFailure} carrying lightningd's
 * own code and message.
 */
public final class RuneCheck {
    /** checkrune must answer quickly; a node that does not is treated as unavailable. */
    static final long CHECK_TIMEOUT_MS = 30_000;
    /**
     * checkrune calls waiting on lightningd at once. lightningd answers them one at a time on its main loop: past
     * this many, a new one would only wait behind the others (and hold its request's memory), so it is refused.
     */
    public static final int MAX_PENDING = 256;
    /**
     * Of those, the most that runes lightningd has not accepted lately may hold: the other quarter stays free for
     * runes it has (a flood of well-formed junk runes made 6-20% of a good client's calls get 503 when all shared one
     * queue).
     */
    public static final int STRANGER_PLACES = MAX_PENDING * 3 / 4;

    private final Rpc rpc;
    private final RuneMemory memory = new RuneMemory();
    private int pending;
    private int strangers;

    public RuneCheck(Rpc rpc) {
        this.rpc = rpc;
    }

    /** Why a rune was refused. {@code missing}: no rune at all; {@code error}: lightningd's error object. */
    public static final class AuthFailure extends RuntimeException {
        public enum Kind { MISSING, REFUSED, INVALID, BUSY }

        private final Kind kind;
        private final JsonObject error;

        AuthFailure(Kind kind, JsonObject error) {
            super(error.getString("message"), null, false, false);
            this.kind = kind;
            this.error = error;
        }

        public Kind kind() {
            return kind;
        }

        /** {@code {code, message[, data]}} as lightningd (or upstream CLNRest) words it. */
        public JsonObject error() {
            return error;
        }
    }

    public static AuthFailure missing() {
        return new AuthFailure(AuthFailure.Kind.MISSING,
                new JsonObject().put("code", 1501).put("message", "Not authorized: Missing rune"));
    }

    /**
     * Check {@code rune} for calling {@code method} with {@code params} (a JsonObject, JsonArray or null).
     * {@code nodeid} is passed when not null. Fails with {@link AuthFailure}, or with
     * {@link org.clnrest.rpc.RpcUnavailable} when lightningd was not reached. In order: a malformed rune is refused
     * here ({@link RuneSyntax}); a question lightningd refused a moment ago is answered from {@link RuneMemory}; a
     * place among the checks waiting on lightningd is taken (strangers' runes only up to {@link #STRANGER_PLACES}).
     */
    public Future<Void> check(String rune, String nodeid, String method, Object params) {
        if (rune == null || rune.isBlank()) {
            return Future.failedFuture(missing());
        }
        String trimmed = rune.trim();
        JsonObject malformed = RuneSyntax.problem(trimmed);
        if (malformed != null) {
            return Future.failedFuture(new AuthFailure(AuthFailure.Kind.REFUSED, malformed));
        }
        long now = System.currentTimeMillis();
        String question = RuneMemory.questionKey(trimmed, nodeid, method, params);
        JsonObject refused = memory.refusal(question, now);
        if (refused != null) {
            return Future.failedFuture(new AuthFailure(AuthFailure.Kind.REFUSED, refused));
        }
        String runeKey = RuneMemory.runeKey(trimmed);
        boolean known = memory.known(runeKey, now);
        if (pending >= MAX_PENDING || (!known && strangers >= STRANGER_PLACES)) {
            return Future.failedFuture(busy());
        }
        pending++;
        if (!known) {
            strangers++;
        }
        return rpc.call("checkrune", request(trimmed, nodeid, method, params), CHECK_TIMEOUT_MS).andThen(ar -> {
            pending--;
            if (!known) {
                strangers--;
            }
        }).compose(RuneCheck::verdict).andThen(ar -> remember(ar.cause(), question, runeKey));
    }

    private static JsonObject request(String rune, String nodeid, String method, Object params) {
        JsonObject req = new JsonObject().put("rune", rune);
        if (nodeid != null) {
            req.put("nodeid", nodeid);
        }
        if (method != null) {
            req.put("method", method);
        }
        if (params != null) {
            req.put("params", params);
        }
        return req;
    }

    /** What lightningd answered, for the next question: a refusal for a moment, an accepted rune as known. */
    private void remember(Throwable failure, String question, String runeKey) {
        long now = System.currentTimeMillis();
        if (failure == null) {
            memory.accepted(runeKey, now);
        } else if (failure instanceof AuthFailure f && f.kind() != AuthFailure.Kind.BUSY) {
            memory.refused(question, f.error(), now);
        }
    }

    private static AuthFailure busy() {
        return new AuthFailure(AuthFailure.Kind.BUSY, new JsonObject().put("code", -32000)
                .put("message", "Server busy: " + MAX_PENDING + " rune checks are waiting for lightningd"));
    }

    private static Future<Void> verdict(RpcReply reply) {
        if (reply.isError()) {
            return Future.failedFuture(new AuthFailure(AuthFailure.Kind.REFUSED, reply.error()));
        }
        if (!Boolean.TRUE.equals(reply.resultBoolean("valid"))) { // read without decoding the result: every call has one
            return Future.failedFuture(new AuthFailure(AuthFailure.Kind.INVALID,
                    new JsonObject().put("code", 1502).put("message", "Rune is not valid")));
        }
        return Future.succeededFuture();
    }
}
