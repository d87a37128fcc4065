package org.clnrest.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.bouncycastle.asn1.x509.GeneralName;
import org.clnrest.support.BareConnections;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.clnrest.bus.Bus;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.ClientProcess;
import org.clnrest.tls.CertificateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A fleet of three plugins under three simulated lightningd nodes and one observer, each in its own JVM, on
 * loopback (docs/cluster.md): calls addressed by node id reach that node only, notifications arrive tagged
 * and in order, strangers (no certificate, or one of another CA) learn nothing and reach nothing, a killed
 * node is reported gone and calls to it fail at once, and it comes back when restarted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Fleet fleet;
    private ClientProcess observer;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    void startFleet() throws Exception {
        fleet = new Fleet(3);
        observer = fleet.observer(fleet.fleetCertificate());
        observer.await("ready", Duration.ofSeconds(90));
        for (SimulatedLightningd n : fleet.nodes) {
            ids.add(n.nodeId());
        }
        assertEquals(3, new HashSet<>(ids).size(), "each node has an id of its own");
        Set<String> joined = new HashSet<>();
        try {
            while (joined.size() < 3) {
                joined.add(observer.await("joined", WAIT).getString("node"));
            }
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe nodes' logs:\n" + fleet.nodes.stream().map(n -> String.join("\n", n.log())).toList(), e);
        }
        assertEquals(Set.copyOf(ids), joined);
    }

    @AfterAll
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void directoryListsEveryNode() throws Exception {
        observer.send("{\"command\":\"nodes\"}");
        JsonArray nodes = observer.await("nodes", WAIT).getJsonArray("nodes");
        Map<String, JsonObject> byId = new HashMap<>();
        nodes.forEach(n -> byId.put(((JsonObject) n).getString("id"), (JsonObject) n));
        assertEquals(Set.copyOf(ids), byId.keySet());
        for (int i = 0; i < 3; i++) {
            JsonObject e = byId.get(ids.get(i));
            assertEquals("regtest", e.getString("network"));
            assertEquals("SIMULATEDNODE", e.getString("alias"));
            assertEquals("v26.06-simulated", e.getString("version"));
            assertTrue(e.getString("rest_url").startsWith("https://127.0.0.1:"), e.encode());
        }
    }

    @Test
    @Order(2)
    void eachCallReachesExactlyItsNode() throws Exception {
        for (int i = 0; i < 3; i++) {
            String rune = fleet.nodes.get(i).createRune(null);
            fleet.nodes.forEach(SimulatedLightningd::clearCalls);
            JsonObject reply = call(ids.get(i), rune, "getinfo");
            assertEquals(ids.get(i), reply.getJsonObject("result").getString("id"), reply.encode());
            for (int j = 0; j < 3; j++) {
                assertEquals(i == j ? 1 : 0, getinfos(fleet.nodes.get(j)), "node " + j + "'s call log after a call to node " + i);
            }
        }
    }

    @Test
    @Order(3)
    void runesAreCheckedByTheCalledNode() throws Exception {
        SimulatedLightningd a = fleet.nodes.get(0);
        SimulatedLightningd b = fleet.nodes.get(1);
        String runeOfA = a.createRune(null);
        JsonObject expected = b.call("checkrune", new JsonObject().put("rune", runeOfA).put("method", "getinfo")).getJsonObject("error");
        b.clearCalls();
        JsonObject refused = call(ids.get(1), runeOfA, "getinfo").getJsonObject("error");
        assertEquals(expected.getInteger("code"), refused.getInteger("code"), refused.encode());
        assertEquals(expected.getString("message"), refused.getString("message"));
        assertEquals(0, getinfos(b), "refused before lightningd's getinfo");

        String forbids = a.createRune(new JsonArray().add(new JsonArray().add("method=listinvoices")));
        JsonObject notPermitted = call(ids.get(0), forbids, "getinfo").getJsonObject("error");
        assertEquals(1502, notPermitted.getInteger("code"));
        assertEquals("Not permitted: method is not equal to listinvoices", notPermitted.getString("message"));
        JsonObject missing = call(ids.get(0), null, "getinfo").getJsonObject("error");
        assertEquals(1501, missing.getInteger("code"));
        assertEquals("Not authorized: Missing rune", missing.getString("message"));
    }

    @Test
    @Order(4)
    void notificationsArriveTaggedInOrderNoneLost() throws Exception {
        long[] firstSeq = new long[3];
        for (int i = 0; i < 3; i++) {
            firstSeq[i] = warm(i);
        }
        int perNode = 30;
        for (int k = 0; k < perNode; k++) {
            for (int i = 0; i < 3; i++) {
                NodeInternals.notifyPlugins(fleet.nodes.get(i), "fleet_test", new JsonObject().put("k", k).put("msat", 1_152_921_504_606_846_983L));
            }
        }
        int[] got = new int[3];
        while (got[0] + got[1] + got[2] < 3 * perNode) {
            JsonObject n = observer.await(e -> "notification".equals(e.getString("event")), WAIT);
            int i = ids.indexOf(n.getString("node"));
            assertTrue(i >= 0, "tagged with a node of the fleet: " + n.encode());
            JsonObject body = n.getJsonObject("body").getJsonObject("fleet_test");
            assertEquals(got[i], body.getInteger("k"), "in order, none lost, from node " + i);
            assertEquals(firstSeq[i] + got[i] + 1, Long.parseLong(n.getString("seq")), "seq contiguous");
            assertEquals("1152921504606846983", body.getValue("msat").toString(), "msat exact");
            got[i]++;
        }
    }

    /** Until node i's plugin has seen the observer's subscription, a notification may not reach it: the first that does. */
    private long warm(int i) throws Exception {
        for (int attempt = 0; attempt < 60; attempt++) {
            NodeInternals.notifyPlugins(fleet.nodes.get(i), "fleet_warm", new JsonObject().put("attempt", attempt));
            JsonObject n = observer.await(e -> "notification".equals(e.getString("event")), Duration.ofSeconds(30));
            if (ids.get(i).equals(n.getString("node")) && n.getJsonObject("body").getJsonObject("fleet_warm").getInteger("attempt") == attempt) {
                // every warm-up notification still in flight was sent before this one, so arrived before it
                return Long.parseLong(n.getString("seq"));
            }
        }
        throw new AssertionError("no notification of node " + i + " reached the observer");
    }

    @Test
    @Order(5)
    void strangersLearnNothingAndReachNothing() throws Exception {
        Path other = Files.createTempDirectory("clnrest-other-ca");
        try {
            CertificateStore.ensure(other, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")), Duration.ZERO);
            ClientProcess plain = fleet.observer(List.of(), "--timeout", "5");
            ClientProcess foreign = fleet.observer(Fleet.identity(fleet.certs.resolve("ca.pem"), other), "--timeout", "5");
            String plainMember = plain.await("ready", Duration.ofSeconds(90)).getString("member");
            String foreignMember = foreign.await("ready", Duration.ofSeconds(90)).getString("member");
            String rune = fleet.nodes.get(0).createRune(null);
            for (ClientProcess s : List.of(plain, foreign)) {
                for (int i = 0; i < 3; i++) {
                    s.send(new JsonObject().put("node", ids.get(i)).put("rune", rune).put("method", "getinfo").encode());
                }
            }
            // The nodes publish until each has tried (and failed) to reach both strangers' subscriptions.
            for (String member : List.of(plainMember, foreignMember)) {
                for (SimulatedLightningd n : fleet.nodes) {
                    awaitRefusal(n, member);
                }
            }
            for (ClientProcess s : List.of(plain, foreign)) {
                for (int i = 0; i < 3; i++) {
                    JsonObject r = s.await("reply", WAIT);
                    assertTrue(r.getJsonObject("reply").containsKey("error") && !r.getJsonObject("reply").containsKey("result"), r.encode());
                }
                s.send("{\"command\":\"nodes\"}");
                JsonObject first = s.await(e -> List.of("notification", "joined", "nodes").contains(e.getString("event")), WAIT);
                assertEquals(new JsonObject().put("event", "nodes").put("nodes", new JsonArray()), first, "nothing learnt before");
            }
            for (SimulatedLightningd n : fleet.nodes) {
                assertTrue(n.calls().stream().noneMatch(c -> c.encode().contains(rune)), "no stranger's call reached lightningd");
            }
        } finally {
            Harness.deleteTree(other);
        }
    }

    /** Notifications from node n until its log shows it tried to reach {@code member} and was refused. */
    private static void awaitRefusal(SimulatedLightningd n, String member) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int k = 0; n.log().stream().noneMatch(l -> l.contains(member)); k++) {
            assertTrue(System.nanoTime() < deadline, "node never tried to reach " + member + ": " + n.log());
            NodeInternals.notifyPlugins(n, "fleet_probe", new JsonObject().put("k", k));
            try {
                n.awaitLog(l -> l.contains(member), Duration.ofMillis(500));
            } catch (AssertionError notYet) {
                // its plugin has not seen that subscription yet: another notification
            }
        }
    }

    @Test
    @Order(6)
    void aKilledNodeIsReportedAndFailsFastThenComesBack() throws Exception {
        String id = ids.get(2);
        long t0 = System.nanoTime();
        NodeInternals.pluginProcesses(fleet.nodes.get(2)).get(0).destroyForcibly();
        JsonObject left = observer.await(e -> "left".equals(e.getString("event")) && id.equals(e.getString("node")), WAIT);
        System.err.printf("left after %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, left.encode());
        long t1 = System.nanoTime();
        JsonObject error = call(id, "any", "getinfo").getJsonObject("error");
        System.err.printf("call answered after %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        assertEquals(Bus.CLUSTER_NODE_ABSENT, error.getInteger("code"), error.encode());
        assertEquals("Node " + id + " has left the cluster", error.getString("message"));

        fleet.nodes.get(2).close();
        fleet.start(2);
        assertEquals(id, fleet.nodes.get(2).nodeId(), "restarted on its directory: the same node");
        observer.await(e -> "joined".equals(e.getString("event")) && id.equals(e.getString("node")), WAIT);
        JsonObject reply = call(id, fleet.nodes.get(2).createRune(null), "getinfo");
        assertEquals(id, reply.getJsonObject("result").getString("id"), reply.encode());
        observer.send("{\"command\":\"nodes\"}");
        assertEquals(3, observer.await("nodes", WAIT).getJsonArray("nodes").size());
    }

    /**
     * The event bus's port is reachable by strangers too: their bare connections used to hold a descriptor each for the
     * 5 s TLS handshake deadline, uncounted. Now at most {@link ClusterSetup#MAX_BUS_CONNECTIONS} are kept from their
     * accept: of 400 from 8 addresses, those past the cap are closed at once while the first wait for their deadline
     * (before, the first were closed first, at it); the fleet still answers afterwards.
     */
    @Test
    @Order(7)
    void strangersBareConnectionsToTheBusAreCappedFromTheirAccept() throws Exception {
        Matcher m = java.util.regex.Pattern.compile("bus port (\\d+)").matcher(
                fleet.nodes.get(0).awaitLog("Cluster event bus up on", WAIT));
        assertTrue(m.find(), "the bus's port is logged");
        int busPort = Integer.parseInt(m.group(1));
        try (BareConnections bare = BareConnections.open(busPort, 400)) {
            bare.assertCappedFromTheAccept(ClusterSetup.MAX_BUS_CONNECTIONS + 20, 50, WAIT);
        }
        JsonObject reply = call(ids.get(0), fleet.nodes.get(0).createRune(null), "getinfo");
        assertEquals(ids.get(0), reply.getJsonObject("result").getString("id"), "the fleet still answers: " + reply.encode());
    }

    private JsonObject call(String node, String rune, String method) throws Exception {
        JsonObject req = new JsonObject().put("node", node).put("method", method).put("params", new JsonObject());
        if (rune != null) {
            req.put("rune", rune);
        }
        observer.send(req.encode());
        JsonObject r = observer.await("reply", WAIT);
        assertEquals(node, r.getString("node"));
        assertEquals(method, r.getString("method"));
        return r.getJsonObject("reply");
    }

    private static long getinfos(SimulatedLightningd n) {
        return n.calls().stream().filter(c -> "getinfo".equals(c.getString("method"))).count();
    }
}
