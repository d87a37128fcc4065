package org.clnrest.demo;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The node's rune methods: createrune, checkrune (with its database write's cost), showrunes, blacklistrune. */
final class RuneMethods {
    private final Runes runes;
    private final String nodeId;
    private final long checkruneCostNanos;
    private final Object runeDb = new Object();

    RuneMethods(String nodeId, byte[] runeKey, long checkruneCostNanos, NodeLog log) {
        this.runes = new Runes(runeKey, log);
        this.nodeId = nodeId;
        this.checkruneCostNanos = checkruneCostNanos;
    }

    JsonObject createrune(Object params) {
        Map<String, Object> p = Params.parse(params, "rune?", "restrictions?");
        try {
            return runes.create(p.get("restrictions"), Params.string(p, "rune"));
        } catch (IllegalArgumentException e) {
            throw new RpcFailure(-32602, "restrictions: " + e.getMessage());
        }
    }

    JsonObject checkrune(Object params) {
        Map<String, Object> p = Params.parse(params, "rune", "nodeid?", "method?", "params?");
        JsonObject err = runes.check(Params.string(p, "rune"), Params.string(p, "nodeid"), Params.string(p, "method"),
                p.get("params"), nodeId);
        if (err != null) {
            throw new RpcFailure(err.getInteger("code"), err.getString("message"));
        }
        recordRuneUse();
        return new JsonObject().put("valid", true);
    }

    JsonObject showrunes(Object params) {
        Map<String, Object> p = Params.parse(params, "rune?");
        return new JsonObject().put("runes", runes.show(Params.string(p, "rune")));
    }

    JsonObject blacklistrune(Object params) {
        Map<String, Object> p = Params.parse(params, "start?", "end?", "relist?");
        if (p.containsKey("start")) {
            long start = Long.parseLong(p.get("start").toString());
            long end = p.containsKey("end") ? Long.parseLong(p.get("end").toString()) : start;
            for (long i = start; i <= end; i++) {
                runes.blacklist(i);
            }
        }
        return new JsonObject().put("blacklist", new JsonArray());
    }

    /** A successful checkrune's database write ({@link SimulatedLightningd.Builder#checkruneCost}): one at a time, blocking. */
    private void recordRuneUse() {
        if (checkruneCostNanos <= 0) {
            return;
        }
        synchronized (runeDb) {
            long until = System.nanoTime() + checkruneCostNanos;
            for (long left = checkruneCostNanos; left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }
}
