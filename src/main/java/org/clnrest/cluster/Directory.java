package org.clnrest.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;

/**
 * The observer's view of the fleet: the nodes whose entries it receives on {@link Bus#CLUSTER_MEMBER}, each
 * with its Hazelcast member id. A node is joined at its first entry; it has left when its member leaves the
 * Hazelcast cluster (a crash on a live machine is seen in about a second: its sockets close), when another
 * member announces the same node id (a restart), or after {@link #SILENT_MS} without an entry (a hung
 * process, a cut network). Calls pending on a node that leaves are answered at once: never a silent wait.
 * Thread-safe: fed by the event loop, Hazelcast's event threads and the expiry timer.
 */
final class Directory {
    /** Three heartbeats missed. */
    static final long SILENT_MS = 3 * Bus.CLUSTER_HEARTBEAT_MS;

    private record Node(JsonObject entry, String member, long seenAt) {}

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<String> left = new HashSet<>();
    private final Map<String, Set<Promise<JsonObject>>> pending = new HashMap<>();
    private final Consumer<JsonObject> out;

    Directory(Consumer<JsonObject> out) {
        this.out = out;
    }

    synchronized void seen(JsonObject entry, String member, long now) {
        String id = entry.getString("id");
        Node before = nodes.put(id, new Node(entry, member, now));
        if (before != null && !before.member().equals(member)) {
            leave(id, "restarted");
            nodes.put(id, new Node(entry, member, now));
        }
        if (before == null || !before.member().equals(member)) {
            left.remove(id);
            out.accept(entry.copy().put("node", id).put("event", "joined"));
        }
    }

    /** Hazelcast says this member left the cluster. */
    synchronized void memberLeft(String member) {
        nodes.entrySet().stream().filter(e -> e.getValue().member().equals(member)).map(Map.Entry::getKey).toList()
                .forEach(id -> leave(id, "left the cluster"));
    }

    synchronized void expire(long now) {
        nodes.entrySet().stream().filter(e -> now - e.getValue().seenAt() > SILENT_MS).map(Map.Entry::getKey).toList()
                .forEach(id -> leave(id, "silent for " + SILENT_MS / 1000 + " s"));
    }

    private void leave(String id, String why) {
        nodes.remove(id);
        left.add(id);
        out.accept(new JsonObject().put("event", "left").put("node", id).put("reason", why));
        for (Promise<JsonObject> p : pending.getOrDefault(id, Set.of())) {
            p.tryComplete(ClusterRpc.error(Bus.CLUSTER_NODE_ABSENT, "Node " + id + " " + why + " while the call was pending"));
        }
        pending.remove(id);
    }

    /** Known to have left (and not back): a call to it is answered at once. */
    synchronized boolean hasLeft(String id) {
        return left.contains(id);
    }

    synchronized JsonArray list() {
        List<JsonObject> l = new ArrayList<>();
        nodes.values().forEach(n -> l.add(n.entry().copy()));
        return new JsonArray(l);
    }

    synchronized void track(String id, Promise<JsonObject> call) {
        pending.computeIfAbsent(id, k -> new HashSet<>()).add(call);
    }

    synchronized void untrack(String id, Promise<JsonObject> call) {
        Set<Promise<JsonObject>> s = pending.get(id);
        if (s != null && s.remove(call) && s.isEmpty()) {
            pending.remove(id);
        }
    }
}
