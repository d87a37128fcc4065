package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import org.clnrest.auth.RuneCheck;
import org.clnrest.bus.Bus;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcReply;
import org.clnrest.support.OnLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The re-check of notification clients' runes (issue 22, item 6), against a node on the bus that answers checkrune as
 * each test says: a rune lightningd now refuses ends its clients and no one else's; a check that never reached
 * lightningd (the checkrune places full: BUSY) ends nobody, and the rune is checked again next round; a round over
 * many runes keeps at most {@link RuneWatch#MAX_WAITING} checks waiting on lightningd.
 */
class RuneWatchTest {
    static final JsonObject REFUSAL = new JsonObject().put("code", 1502).put("message", "Not authorized: rune is blacklisted");

    final Vertx vertx = Vertx.vertx();
    final Context loop = vertx.getOrCreateContext();
    /** The checkrune calls the node holds unanswered, in arrival order. */
    final List<Message<JsonObject>> held = new ArrayList<>();
    /** Each client's rune and lightningd's error, as the watch revoked them. */
    final Map<String, JsonObject> revoked = new ConcurrentHashMap<>();
    RuneCheck check;
    RuneWatch watch;
    MessageConsumer<JsonObject> node;

    @BeforeEach
    void start() throws Exception {
        RpcReply.LocalCodec.register(vertx.eventBus());
        check = new RuneCheck(new Rpc(vertx.eventBus()));
        watch = OnLoop.call(loop, () -> new RuneWatch(vertx, check, TimeUnit.HOURS.toMillis(1))); // rounds started by the test
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRuneLightningdNowRefusesEndsItsClientsOnly() throws Exception {
        String bad = OnLoop.wellFormedRune(1);
        String good = OnLoop.wellFormedRune(2);
        node(rune -> rune.equals(bad) ? REFUSAL : null);
        watch("a", bad);
        watch("b", bad);
        watch("c", good);
        recheck();
        awaitRevoked(2);
        assertEquals(Map.of("a", REFUSAL, "b", REFUSAL), revoked, "both clients of the refused rune, with lightningd's error");
    }

    @Test
    void aCheckThatFoundNoPlaceRevokesNobody() throws Exception {
        node(rune -> Boolean.TRUE); // lightningd answers nothing: every check waits
        int flood = RuneCheck.STRANGER_PLACES;
        List<Future<Void>> strangers = OnLoop.call(loop, () -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                all.add(check.check(OnLoop.wellFormedRune(1000 + i), null, "getinfo", null)); // strangers take their places
            }
            return all;
        });
        awaitHeld(flood);
        String rune = OnLoop.wellFormedRune(1);
        watch("a", rune);
        recheck(); // its check is refused BUSY at once, before lightningd
        assertEquals(flood, OnLoop.call(loop, held::size), "the watched rune's check found no place");
        assertEquals(Map.of(), revoked, "a check lightningd never answered ends nobody (it used to revoke the rune)");

        OnLoop.call(loop, () -> { // lightningd answers the flood: the places are free again
            held.forEach(m -> m.fail(Bus.FAIL_RPC_UNAVAILABLE, "gone"));
            held.clear();
            return null;
        });
        for (Future<Void> f : strangers) {
            OnLoop.failureOf(f);
        }
        node(r -> r.equals(rune) ? REFUSAL : Boolean.TRUE);
        recheck();
        awaitRevoked(1);
        assertEquals(Map.of("a", REFUSAL), revoked, "the rune was checked again at the next round");
    }

    @Test
    void aRoundKeepsAtMostEightChecksWaiting() throws Exception {
        node(rune -> Boolean.TRUE); // held until the test answers
        int runes = 3 * RuneWatch.MAX_WAITING + 3;
        for (int i = 0; i < runes; i++) {
            watch("client" + i, OnLoop.wellFormedRune(i));
        }
        recheck();
        awaitHeld(RuneWatch.MAX_WAITING);
        int answered = 0;
        while (answered < runes) {
            int waiting = OnLoop.call(loop, held::size);
            assertEquals(Math.min(RuneWatch.MAX_WAITING, runes - answered), waiting, "checks waiting on lightningd after " + answered + " answers");
            recheck(); // a round still running starts no other
            assertEquals(waiting, OnLoop.call(loop, held::size));
            OnLoop.call(loop, this::answerOne);
            answered++;
            awaitHeld(Math.min(RuneWatch.MAX_WAITING, runes - answered));
        }
        assertEquals(Map.of(), revoked);
    }

    /** The node on the bus: {@code verdict} of a checkrune's rune is lightningd's error, null for valid, TRUE to hold it. */
    private void node(Function<String, Object> verdict) throws Exception {
        if (node != null) {
            node.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        node = OnLoop.call(loop, () -> {
            return vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, m -> {
                Object v = verdict.apply(m.body().getJsonObject(Bus.F_PARAMS).getString("rune"));
                if (v instanceof JsonObject error) {
                    m.reply(RpcReply.error(error), new DeliveryOptions().setCodecName(RpcReply.LocalCodec.NAME));
                } else if (v == null) {
                    answer(m);
                } else {
                    held.add(m);
                }
            });
        });
    }

    private void recheck() throws Exception {
        OnLoop.call(loop, () -> {
            watch.recheck();
            return null;
        });
    }

    private Void answerOne() {
        answer(held.remove(0));
        return null;
    }

    private static void answer(Message<JsonObject> m) {
        m.reply(RpcReply.ok(Buffer.buffer("{\"valid\":true}")), new DeliveryOptions().setCodecName(RpcReply.LocalCodec.NAME));
    }

    private void watch(String client, String rune) throws Exception {
        OnLoop.call(loop, () -> {
            watch.watch(rune, (r, error) -> revoked.put(client, error));
            return null;
        });
    }

    private void awaitRevoked(int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (revoked.size() < n) {
            assertTrue(System.nanoTime() < until, "revoked: " + revoked.keySet());
            Thread.sleep(5); // the node's answers arrive on the loop: polled from the test's thread
        }
    }

    private void awaitHeld(int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (OnLoop.call(loop, held::size) < n) {
            assertTrue(System.nanoTime() < until, "checks waiting: " + held.size());
        }
    }
}
