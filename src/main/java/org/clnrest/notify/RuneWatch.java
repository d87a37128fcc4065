package org.clnrest.notify;

import java.util.ArrayList;
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
 * checkrune now refuses ends every client that connected with it; a node that does not answer ends nobody.
 */
final class RuneWatch {
    static final String METHOD = "listclnrest-notifications";
    private static final Logger LOG = LoggerFactory.getLogger(RuneWatch.class);

    /** A client that connected with a rune. */
    interface Holder {
        /** checkrune refuses {@code rune} now, with lightningd's {@code error}. */
        void revoked(String rune, JsonObject error);
    }

    private final RuneCheck runes;
    private final Map<String, Set<Holder>> holders = new HashMap<>();
    private boolean checking;

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

    private void recheck() {
        if (checking || holders.isEmpty()) {
            return; // the last round is still waiting for lightningd
        }
        checking = true;
        List<String> all = new ArrayList<>(holders.keySet());
        int[] left = {all.size()};
        for (String rune : all) {
            runes.check(rune, null, METHOD, null).onComplete(ar -> {
                if (--left[0] == 0) {
                    checking = false;
                }
                if (ar.failed() && ar.cause() instanceof RuneCheck.AuthFailure f) {
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
            });
        }
    }
}
