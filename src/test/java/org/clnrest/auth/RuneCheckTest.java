package org.clnrest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.http.ApiError;
import org.clnrest.rpc.Rpc;
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
        int total = RuneCheck.MAX_PENDING + 44;
        List<Future<Void>> results = onLoop(() -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                all.add(check.check("rune" + i, null, "getinfo", null));
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
        assertEquals(RuneCheck.MAX_PENDING, onLoop(held::size), "only the budget's checks reached lightningd");

        // One answer frees one place: the next check reaches lightningd again.
        onLoop(() -> {
            held.get(0).fail(Bus.FAIL_RPC_UNAVAILABLE, "gone");
            return null;
        });
        Throwable first = results.get(0).toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertInstanceOf(org.clnrest.rpc.RpcUnavailable.class, first, "the first check learnt lightningd's failure");
        Future<Void> next = onLoop(() -> check.check("another", null, "getinfo", null));
        assertFalse(next.failed(), "a place was free again");
        assertEquals(RuneCheck.MAX_PENDING + 1, onLoop(held::size));
    }

    /** Run on an event loop (RuneCheck belongs to one) and wait for the result. */
    private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                out.complete(work.call());
            } catch (Exception e) {
                out.completeExceptionally(e);
            }
        });
        return out.get(10, TimeUnit.SECONDS);
    }
}
