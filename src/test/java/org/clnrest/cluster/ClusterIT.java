package org.clnrest.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.Harness;
import org.clnrest.notify.ClientProcess;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs on loopback: the plugin under the simulated lightningd with clnrest-cluster on, and the observer
 * example (org.clnrest.cluster.Observer) in its own process, joined by TCP-IP. The observer receives the
 * node's notifications and calls getinfo with a rune; bad runes are refused before lightningd is called;
 * the plugin keeps serving REST when the observer dies.
 */
class ClusterIT {

    @Test
    void observerInAnotherJvm() throws Exception {
        int pluginPort = Harness.freePort();
        int observerPort = Harness.freePort();
        try (Harness h = Harness.start(b -> b.option("clnrest-cluster", "127.0.0.1").option("clnrest-cluster-port", pluginPort)
                .option("clnrest-cluster-members", "127.0.0.1:" + pluginPort).option("clnrest-cluster-members", "127.0.0.1:" + observerPort))) {
            assertTrue(h.node.log().stream().anyMatch(l -> l.contains("Cluster event bus up on 127.0.0.1:" + pluginPort)));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            try (ClientProcess observer = new ClientProcess(List.of(java, "-cp", Path.of("target/clnrest-vertx.jar").toAbsolutePath().toString(),
                    "org.clnrest.cluster.Observer", "--host", "127.0.0.1", "--port", Integer.toString(observerPort),
                    "--members", "127.0.0.1:" + pluginPort))) {
                observer.await("ready", Duration.ofSeconds(90));

                // The plugin learns of the observer's subscription shortly after the join: the first
                // notification to arrive proves it; from then on every one must arrive, in order.
                JsonObject first = null;
                for (int i = 0; i < 30 && first == null; i++) {
                    String label = "warm-" + i;
                    h.node.call("invoice", new JsonObject().put("amount_msat", 1000).put("label", label).put("description", "d"));
                    try {
                        first = observer.await(e -> isCreation(e, label), Duration.ofSeconds(2));
                    } catch (AssertionError notYet) {
                        // not subscribed yet: next invoice
                    }
                }
                assertTrue(first != null, "no notification reached the observer");
                long seq = Long.parseLong(first.getString("seq"));
                for (int i = 0; i < 5; i++) {
                    String label = "obs-" + i;
                    h.node.call("invoice", new JsonObject().put("amount_msat", 1_152_921_504_606_846_983L).put("label", label).put("description", "d"));
                    JsonObject n = observer.await(e -> "notification".equals(e.getString("event")), Duration.ofSeconds(10));
                    assertEquals("invoice_creation", n.getString("topic"));
                    assertEquals(label, n.getJsonObject("body").getJsonObject("invoice_creation").getString("label"), "in order");
                    assertEquals(seq + i + 1, Long.parseLong(n.getString("seq")), "none missing");
                    assertEquals("1152921504606846983",
                            n.getJsonObject("body").getJsonObject("invoice_creation").getValue("msat").toString(), "msat exact");
                }

                String good = h.node.createRune(null);
                String forbids = h.node.createRune(new JsonArray().add(new JsonArray().add("method=listinvoices")));
                h.node.clearCalls();
                observer.send(new JsonObject().put("rune", good).put("method", "getinfo").put("params", new JsonObject()).encode());
                JsonObject ok = observer.await("reply", Duration.ofSeconds(30));
                assertEquals(h.node.nodeId(), ok.getJsonObject("reply").getJsonObject("result").getString("id"), ok.encode());

                observer.send(new JsonObject().put("rune", forbids).put("method", "getinfo").encode());
                JsonObject refused = observer.await("reply", Duration.ofSeconds(30)).getJsonObject("reply").getJsonObject("error");
                assertEquals(1502, refused.getInteger("code"));
                assertEquals("Not permitted: method is not equal to listinvoices", refused.getString("message"));

                observer.send(new JsonObject().put("method", "getinfo").encode());
                JsonObject missing = observer.await("reply", Duration.ofSeconds(30)).getJsonObject("reply").getJsonObject("error");
                assertEquals(1501, missing.getInteger("code"));
                assertEquals("Not authorized: Missing rune", missing.getString("message"));
                assertEquals(1, h.node.calls().stream().filter(c -> "getinfo".equals(c.getString("method"))).count(),
                        "only the authorised call reached lightningd");

                observer.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Vertx vertx = Vertx.vertx();
            try {
                var r = h.client(vertx).post("/v1/getinfo").putHeader("Rune", h.node.createRune(null)).send()
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertEquals(201, r.statusCode(), "REST still served after the observer died");
                assertTrue(NodeInternals.pluginProcesses(h.node).get(0).isAlive());
            } finally {
                vertx.close().await();
            }
            String anyRune = h.node.createRune(null);
            assertFalse(h.node.log().stream().anyMatch(l -> l.contains(anyRune.substring(0, 20))), "no rune in the log");
        }
    }

    static boolean isCreation(JsonObject e, String label) {
        return "notification".equals(e.getString("event"))
                && label.equals(e.getJsonObject("body").getJsonObject("invoice_creation", new JsonObject()).getString("label"));
    }
}
