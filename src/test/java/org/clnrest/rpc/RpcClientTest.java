package org.clnrest.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;

import org.clnrest.demo.SimulatedLightningd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The RPC client verticle against the simulated node's real unix socket. */
@ExtendWith(VertxExtension.class)
class RpcClientTest {
    Path dir;
    SimulatedLightningd node;
    Rpc rpc;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        dir = Files.createTempDirectory("clnrest-rpc");
        node = SimulatedLightningd.builder(dir).seededInvoices(60_000).build().start();
        vertx.deployVerticle(new RpcClientVerticle(), new DeploymentOptions().setConfig(
                new JsonObject().put("rpcFile", node.rpcFile().toString()))).await();
        rpc = new Rpc(vertx.eventBus());
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        SimulatedLightningd.deleteTree(dir);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void manyCallsInFlightAreMatchedById() throws Exception {
        List<Future<RpcReply>> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            calls.add(rpc.call("datastore", new JsonObject().put("key", "k" + i).put("string", "v" + i)));
        }
        await(Future.all(calls));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            JsonObject r = calls.get(i).result().resultObject();
            assertEquals("v" + i, r.getString("string"), "reply " + i + " belongs to call " + i);
            seen.add(r.getJsonArray("key").getString(0));
        }
        assertEquals(500, seen.size());
        assertTrue(node.calls().size() >= 500);
    }

    @Test
    void errorObjectsPassThroughUntouched() throws Exception {
        RpcReply r = await(rpc.call("nosuch", null));
        assertTrue(r.isError());
        assertEquals(new JsonObject().put("code", -32601).put("message", "Unknown command 'nosuch'"), r.error());
        RpcReply bad = await(rpc.call("invoice", new JsonArray().add(1)));
        assertEquals(-32602, bad.errorCode());
    }

    @Test
    void reconnectsAfterTheSocketDrops() throws Exception {
        assertFalse(await(rpc.call("getinfo", null)).isError());
        node.dropConnections();
        // The drop is seen asynchronously; calls made meanwhile may fail fast, but never hang, and the client comes back.
        RpcReply after = null;
        for (int i = 0; i < 50 && after == null; i++) {
            try {
                after = await(rpc.call("getinfo", null));
            } catch (Exception e) {
                assertInstanceOf(RpcUnavailable.class, e.getCause());
            }
        }
        assertEquals(node.nodeId(), after.resultObject().getString("id"));
    }

    @Test
    void aSocketThatGoesAwayFailsCallsFastAndComesBack() throws Exception {
        node.stopRpc();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(rpc.call("getinfo", null)));
        assertInstanceOf(RpcUnavailable.class, e.getCause());
        node.startRpc();
        assertEquals(node.nodeId(), await(rpc.call("getinfo", null)).resultObject().getString("id"));
    }

    @Test
    void aSilentNodeTimesOut() throws Exception {
        node.silent(true);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> await(rpc.call("getinfo", null, 500)));
        assertInstanceOf(RpcUnavailable.class, e.getCause());
        assertTrue(((RpcUnavailable) e.getCause()).timeout());
    }

    @Test
    void largeRepliesArriveWhole() throws Exception {
        RpcReply r = await(rpc.call("listinvoices", new JsonObject()));
        assertTrue(r.resultBytes().length() > 25_000_000, "about 25 MB: " + r.resultBytes().length());
        JsonArray invoices = r.resultObject().getJsonArray("invoices");
        assertEquals(60_000, invoices.size());
        assertEquals("seed-59999", invoices.getJsonObject(59_999).getString("label"));
    }
}
