package org.clnrest.notify;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import org.clnrest.auth.RuneCheck;
import org.clnrest.auth.RuneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runes of connected notification clients, checked again every period (one checkrune per distinct rune):
 * lightningd sends no notification when a rune is blacklisted, so a timer is the only way to learn it. A rune
 * checkrune now refuses ends every client that connected with it; a node that does not answer, or a check that
 * found no place, ends nobody.
 */
final class RuneWatch {
    static final String METHOD = "listclnrest-notifications";
    /**
     * A round's checks waiting on lightningd at once: thousands of sessions with distinct runes would otherwise take
     * every checkrune place for a moment each period (and lightningd answers them one at a time anyway).
     */
    static final int MAX_WAITING = 8;
    private static final Logger LOG = LoggerFactory.getLogger(RuneWatch.class);

    /** A client that connected with a rune. */
    interface Holder {
        /** checkrune refuses {@code rune} now, with lightningd's {@code error}. */
        void revoked(String rune, JsonObject error);
    }

    private final RuneCheck runes;
    private final Map<String, Set<Holder>> holders = new HashMap<>();
    /** The runes of the round still to check. */
    private final ArrayDeque<String> round = new ArrayDeque<>();
    private int waiting;
    private boolean sending;

    RuneWatch(Vertx vertx, RuneCheck runes, long periodMs) {
        this.runes = runes;
        vertx.setPeriodic(periodMs, periodMs, t -> recheck());
    }

    void watch(String rune, Holder h) {
        holders.computeIfAbsent(rune, r -> new LinkedHashSet<>()).add(h);
    }

    void unwatch(String rune, Holder h) {
        Set<Holder> s = holders.get(rune);
        if (s != null && s.remove(h) && s.isEmpty()) {
            holders.remove(rune);
        }
    }

    /** A round: every watched rune checked once, at most {@link #MAX_WAITING} at a time; none while one runs. */
    void recheck() {
        if (!round.isEmpty() || waiting > 0 || holders.isEmpty()) {
            return; // the last round is still waiting for lightningd
        }
        round.addAll(holders.keySet());
        next();
    }

    private void next() {
        if (sending) {
            return; // a check that failed at once, inside the loop below: the loop goes on
        }
        sending = true;
        try {
            while (waiting < MAX_WAITING && !round.isEmpty()) {
                String rune = round.poll();
                if (holders.containsKey(rune)) { // its clients may have gone since the round began
                    waiting++;
                    runes.check(rune, null, METHOD, null).onComplete(ar -> {
                        waiting--;
                        if (ar.failed()) {
                            failed(rune, ar.cause());
                        }
                        next();
                    });
                }
            }
        } finally {
            sending = false;
        }
    }

    /**
     * Only lightningd's refusal revokes. A check that never reached it (no free checkrune place: BUSY, which a flood of
     * strangers' runes can cause) or found it unreachable says nothing of the rune: it is checked again next round.
     */
    private void failed(String rune, Throwable cause) {
        if (!(cause instanceof RuneCheck.AuthFailure f) || f.kind() == RuneCheck.AuthFailure.Kind.BUSY) {
            return;
        }
        Set<Holder> s = holders.remove(rune);
        if (s == null) {
            return;
        }
        JsonObject e = f.error();
        LOG.info("Closed {} notification client(s) of rune #{}: revoked (Error code {}: {})", s.size(), RuneId.of(rune),
                e.getValue("code"), e.getString("message"));
        for (Holder h : List.copyOf(s)) {
            h.revoked(rune, e);
        }
    }
}
