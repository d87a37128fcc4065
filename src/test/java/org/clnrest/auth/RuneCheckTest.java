package org.clnrest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.http.ApiError;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcReply;
import org.clnrest.support.OnLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checkrune budget (issue 13): lightningd answers checkrune one at a time, so no more than
 * {@link RuneCheck#MAX_PENDING} wait on it at once; the next is refused at once (503) and costs lightningd nothing.
 */
class RuneCheckTest {
    final Vertx vertx = Vertx.vertx();
    /** One event loop for the check, the node's consumer and the test's looks: deliveries come in order. */
    final Context loop = vertx.getOrCreateContext();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void checksPastTheBudgetAreRefusedWithoutReachingLightningd() throws Exception {
        List<Message<JsonObject>> held = new ArrayList<>();
        onLoop(() -> vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, held::add)); // a node that does not answer yet
        RuneCheck check = new RuneCheck(new Rpc(vertx.eventBus()));
        int total = RuneCheck.STRANGER_PLACES + 44;
        List<Future<Void>> results = onLoop(() -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                all.add(check.check(wellFormed(i), null, "getinfo", null));
            }
            return all;
        });
        List<Future<Void>> refused = results.stream().filter(Future::failed).toList();
        assertEquals(44, refused.size(), "refused at once, past the budget");
        for (Future<Void> f : refused) {
            RuneCheck.AuthFailure busy = assertInstanceOf(RuneCheck.AuthFailure.class, f.cause());
            assertEquals(RuneCheck.AuthFailure.Kind.BUSY, busy.kind());
            assertEquals(503, ApiError.auth(busy).status());
        }
        assertEquals(RuneCheck.STRANGER_PLACES, onLoop(held::size), "only the budget's checks reached lightningd");

        // One answer frees one place: the next check reaches lightningd again.
        onLoop(() -> {
            held.get(0).fail(Bus.FAIL_RPC_UNAVAILABLE, "gone");
            return null;
        });
        Throwable first = results.get(0).toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertInstanceOf(org.clnrest.rpc.RpcUnavailable.class, first, "the first check learnt lightningd's failure");
        Future<Void> next = onLoop(() -> check.check(wellFormed(-1), null, "getinfo", null));
        assertFalse(next.failed(), "a place was free again");
        assertEquals(RuneCheck.STRANGER_PLACES + 1, onLoop(held::size));
    }

    /** Issue 22, item 3: a malformed rune gets lightningd's own answer from here and never reaches lightningd or its log. */
    @Test
    void malformedRunesAreRefusedAsLightningdWouldWithoutReachingIt() throws Exception {
        List<Message<JsonObject>> held = new ArrayList<>();
        onLoop(() -> vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, held::add));
        RuneCheck check = new RuneCheck(new Rpc(vertx.eventBus()));
        String nul = java.util.Base64.getUrlEncoder().encodeToString(new byte[40]); // restrictions with a NUL
        for (String bad : List.of("A", "!!!not*base64***", "A".repeat(15_000), "+" + wellFormed(1).substring(1), nul,
                wellFormed(1) + "===", "YWJj" + "=" + "YWJj")) {
            Future<Void> f = onLoop(() -> check.check(bad, null, "getinfo", null));
            RuneCheck.AuthFailure a = assertInstanceOf(RuneCheck.AuthFailure.class, f.cause(), bad);
            assertEquals(-32602, a.error().getInteger("code"));
            assertEquals("rune: should be base64 string: invalid token (see logs for details)", a.error().getString("message"));
            assertEquals(401, ApiError.auth(a).status());
        }
        String tooLong = wellFormed(1).replace("=", "") + "A".repeat(RuneSyntax.MAX_LENGTH);
        Future<Void> f = onLoop(() -> check.check(tooLong, null, "getinfo", null));
        assertEquals(-32602, assertInstanceOf(RuneCheck.AuthFailure.class, f.cause()).error().getInteger("code"));
        assertEquals(0, onLoop(held::size), "no malformed rune reached lightningd");
        // lightningd's own runes pass: padded, unpadded, with - and _ (an example from lightningd's documentation).
        for (String good : List.of(wellFormed(1), wellFormed(1).replace("=", ""),
                "tU-RLjMiDpY2U0o3W1oFowar36RFGpWloPbW9-RuZdo9MyZpZD0wMjRiOWExZmE4ZTAwNmYxZTM5MzdmNjVmNjZjNDA4ZTZkYThlMWNhNzI4ZWE0MzIyMmE3MzgxZGYxY2M0NDk2MDUmbWV0aG9kPWxpc3RwZWVycyZwbnVtPTEmcG5hbWVpZF4wMjRiOWExZmE4ZTAwNmYxZTM5Mzd8cGFycjBeMDI0YjlhMWZhOGUwMDZmMWUzOTM3")) {
            assertFalse(onLoop(() -> check.check(good, null, "getinfo", null)).failed(), good);
        }
        assertEquals(3, onLoop(held::size));
    }

    /** Issue 22, item 7: the same refused question within a second is answered from memory; a success never is. */
    @Test
    void aRefusedQuestionIsAnsweredFromMemoryForAMoment() throws Exception {
        RpcReply.LocalCodec.register(vertx.eventBus());
        List<Message<JsonObject>> held = new ArrayList<>();
        JsonObject refusal = new JsonObject().put("code", 1502).put("message", "Not permitted: method is not equal to getinfo");
        onLoop(() -> vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, m -> {
            held.add(m);
            boolean refuse = "waitanyinvoice".equals(m.body().getJsonObject(Bus.F_PARAMS).getString("method"));
            m.reply(refuse ? RpcReply.error(refusal) : RpcReply.ok(io.vertx.core.buffer.Buffer.buffer("{\"valid\":true}")),
                    new io.vertx.core.eventbus.DeliveryOptions().setCodecName(RpcReply.LocalCodec.NAME));
        }));
        RuneCheck check = new RuneCheck(new Rpc(vertx.eventBus()));
        String rune = wellFormed(5);
        JsonObject params = new JsonObject().put("lastpay_index", 1);
        for (int i = 0; i < 500; i++) {
            Throwable why = await(onLoop(() -> check.check(rune, null, "waitanyinvoice", params)));
            assertEquals(refusal, assertInstanceOf(RuneCheck.AuthFailure.class, why).error());
        }
        assertEquals(1, onLoop(held::size), "500 retries of one refused question cost lightningd one checkrune");
        await(onLoop(() -> check.check(rune, null, "waitanyinvoice", new JsonObject().put("lastpay_index", 2))));
        assertEquals(2, onLoop(held::size), "another question is asked");
        for (int i = 0; i < 3; i++) {
            assertEquals(null, await(onLoop(() -> check.check(rune, null, "getinfo", null))));
        }
        assertEquals(5, onLoop(held::size), "every success is lightningd's to judge");
    }

    /** Issue 22, item 5: strangers' runes hold at most three quarters of the places; a rune lightningd accepted keeps the rest. */
    @Test
    void strangersCannotTakeThePlacesOfKnownRunes() throws Exception {
        RpcReply.LocalCodec.register(vertx.eventBus());
        List<Message<JsonObject>> held = new ArrayList<>();
        String good = wellFormed(0);
        onLoop(() -> vertx.eventBus().<JsonObject>consumer(Bus.RPC_CALL, m -> {
            if (good.equals(m.body().getJsonObject(Bus.F_PARAMS).getString("rune")) && held.isEmpty()) {
                m.reply(RpcReply.ok(io.vertx.core.buffer.Buffer.buffer("{\"valid\":true}")),
                        new io.vertx.core.eventbus.DeliveryOptions().setCodecName(RpcReply.LocalCodec.NAME));
            } else {
                held.add(m); // lightningd busy with the flood: nothing answered
            }
        }));
        RuneCheck check = new RuneCheck(new Rpc(vertx.eventBus()));
        assertEquals(null, await(onLoop(() -> check.check(good, null, "getinfo", null))), "accepted once: known");
        List<Future<Void>> flood = onLoop(() -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 1; i <= 800; i++) {
                all.add(check.check(wellFormed(i), null, "getinfo", null));
            }
            return all;
        });
        assertEquals(800 - RuneCheck.STRANGER_PLACES, flood.stream().filter(Future::failed).count(), "strangers past their places: 503");
        for (int i = 0; i < RuneCheck.MAX_PENDING - RuneCheck.STRANGER_PLACES; i++) {
            assertFalse(onLoop(() -> check.check(good, null, "getinfo", new JsonObject().put("n", 1))).failed(), "the known rune still gets a place");
        }
        assertEquals(RuneCheck.MAX_PENDING, onLoop(held::size));
        assertEquals(RuneCheck.AuthFailure.Kind.BUSY, assertInstanceOf(RuneCheck.AuthFailure.class,
                onLoop(() -> check.check(good, null, "getinfo", null)).cause()).kind(), "and the whole budget still holds");
    }

    private static Throwable await(Future<Void> f) throws Exception {
        return OnLoop.failureOf(f);
    }

    static String wellFormed(int n) {
        return OnLoop.wellFormedRune(n);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
        return OnLoop.call(loop, work);
    }
}
