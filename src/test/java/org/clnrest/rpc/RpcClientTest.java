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
import org.clnrest.metrics.Metrics;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The RPC client verticle against the simulated node's real unix socket. */
@ExtendWith(VertxExtension.class)
class RpcClientTest {
    Path dir;
    SimulatedLightningd node;
    RpcClientVerticle client;
    Rpc rpc;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        dir = Files.createTempDirectory("clnrest-rpc");
        node = SimulatedLightningd.builder(dir).seededInvoices(60_000).build().start();
        client = new RpcClientVerticle(new Metrics());
        vertx.deployVerticle(client, new DeploymentOptions().setConfig(
                new JsonObject().put("rpcFile", node.rpcFile().toString()))).await();
        rpc = new Rpc(vertx.eventBus(), client);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        Harness.deleteTree(dir);
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

    // ---- streamed results ------------------------------------------------------------------------------------

    /** Run on the RPC client's event loop, where Rpc calls it directly (and a large result may stream). */
    private <T> T onClientLoop(Vertx vertx, java.util.function.Supplier<Future<T>> work) throws Exception {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        client.context().runOnContext(v -> work.get().onComplete(ar -> {
            if (ar.succeeded()) {
                f.complete(ar.result());
            } else {
                f.completeExceptionally(ar.cause());
            }
        }));
        return f.get(120, TimeUnit.SECONDS);
    }

    /** Every byte of a streamed result. */
    private static Future<io.vertx.core.buffer.Buffer> readAll(RpcReply r) {
        assertTrue(r.isStreamed(), "a large result streams");
        io.vertx.core.Promise<io.vertx.core.buffer.Buffer> p = io.vertx.core.Promise.promise();
        io.vertx.core.buffer.Buffer all = io.vertx.core.buffer.Buffer.buffer();
        r.resultStream().exceptionHandler(p::tryFail).endHandler(v -> p.tryComplete(all)).handler(all::appendBuffer);
        return p.future();
    }

    @Test
    void largeResultsStreamByteForByte(Vertx vertx) throws Exception {
        io.vertx.core.buffer.Buffer whole = await(rpc.call("listinvoices", new JsonObject())).resultBytes();
        io.vertx.core.buffer.Buffer streamed = onClientLoop(vertx, () -> rpc.callStreaming("listinvoices", new JsonObject())
                .compose(RpcClientTest::readAll));
        assertEquals(whole.length(), streamed.length());
        assertEquals(whole, streamed);
        assertEquals(60_000, new JsonObject(streamed).getJsonArray("invoices").size());
    }

    @Test
    void smallResultsAndErrorsAreNeverStreamed(Vertx vertx) throws Exception {
        RpcReply info = onClientLoop(vertx, () -> rpc.callStreaming("getinfo", null));
        assertFalse(info.isStreamed());
        assertEquals(node.nodeId(), info.resultObject().getString("id"));
        RpcReply err = onClientLoop(vertx, () -> rpc.callStreaming("nosuch", null));
        assertFalse(err.isStreamed());
        assertEquals(-32601, err.errorCode());
    }

    /** A reader that stops holds lightningd's socket for that result only: other calls go on another connection. */
    @Test
    void aPausedReaderHoldsOnlyItsOwnConnection(Vertx vertx) throws Exception {
        io.vertx.core.buffer.Buffer whole = await(rpc.call("listinvoices", new JsonObject())).resultBytes();
        io.vertx.core.buffer.Buffer streamed = onClientLoop(vertx, () -> rpc.callStreaming("listinvoices", new JsonObject()).compose(r -> {
            io.vertx.core.Promise<io.vertx.core.buffer.Buffer> done = io.vertx.core.Promise.promise();
            io.vertx.core.buffer.Buffer all = io.vertx.core.buffer.Buffer.buffer();
            var s = r.resultStream();
            s.exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete(all));
            s.handler(b -> {
                boolean first = all.length() == 0;
                all.appendBuffer(b);
                if (first) {
                    s.pause();
                    // While this result waits for its reader, a call is answered.
                    rpc.call("getinfo", null).onComplete(ar -> {
                        if (ar.failed() || !node.nodeId().equals(ar.result().resultObject().getString("id"))) {
                            done.tryFail("getinfo was held up behind a paused stream");
                        } else {
                            s.resume();
                        }
                    });
                }
            });
            return done.future();
        }));
        assertEquals(whole, streamed);
    }

    /** A reader that goes away: the rest of its result is read and dropped, and the connection serves on. */
    @Test
    void aReaderThatLeavesLeavesTheClientUsable(Vertx vertx) throws Exception {
        onClientLoop(vertx, () -> rpc.callStreaming("listinvoices", new JsonObject()).map(r -> {
            var s = r.resultStream();
            s.handler(b -> s.handler(null));
            return r;
        }));
        for (int i = 0; i < 3; i++) {
            io.vertx.core.buffer.Buffer again = onClientLoop(vertx, () -> rpc.callStreaming("listinvoices", new JsonObject())
                    .compose(RpcClientTest::readAll));
            assertEquals(60_000, new JsonObject(again).getJsonArray("invoices").size());
            assertEquals(node.nodeId(), onClientLoop(vertx, () -> rpc.call("getinfo", null)).resultObject().getString("id"));
        }
    }
}
