package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import org.clnrest.support.OnLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO's heartbeat, server side, on real Vert.x timers: a ping every pingInterval after the last pong; no answer
 * within pingTimeout of a ping times the client out, once, and the pings stop; any packet from the client moves the
 * deadline. Each test orders its events by timers of the same event loop (which fire in deadline order, however
 * late), never by the test thread's sleeps.
 */
class HeartbeatTest {
    final Vertx vertx = Vertx.vertx();
    final Context loop = vertx.getOrCreateContext();
    final AtomicInteger pings = new AtomicInteger();
    final CompletableFuture<Integer> timedOut = new CompletableFuture<>();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    Heartbeat heartbeat(long interval, long timeout) throws Exception {
        Timeouts t = new Timeouts(interval, timeout, 10_000, 10_000, 3_000, 5_000);
        return OnLoop.call(loop, () -> new Heartbeat(vertx, t, pings::incrementAndGet, () -> timedOut.complete(pings.get())));
    }

    @Test
    void aPongSchedulesTheNextPing() throws Exception {
        Heartbeat h = heartbeat(20, 10_000);
        run(h::schedulePing);
        awaitPings(1);
        run(() -> { // the client's pong
            h.alive();
            h.schedulePing();
        });
        awaitPings(2);
        assertFalse(timedOut.isDone(), "a client that answers is never timed out");
        run(h::stop);
    }

    @Test
    void aClientThatDoesNotAnswerIsTimedOutOnceAndThePingsStop() throws Exception {
        Heartbeat h = heartbeat(20, 50);
        run(h::schedulePing);
        assertEquals(1, timedOut.get(10, TimeUnit.SECONDS), "timed out after its one unanswered ping");
        CompletableFuture<Integer> later = new CompletableFuture<>();
        run(() -> {
            h.schedulePing(); // a late pong: the heartbeat has stopped
            vertx.setTimer(200, t -> later.complete(pings.get())); // well past any ping it could still send
        });
        assertEquals(1, later.get(10, TimeUnit.SECONDS), "no ping after the time-out");
    }

    @Test
    void anyPacketFromTheClientMovesTheDeadline() throws Exception {
        Heartbeat h = heartbeat(10, 200);
        CompletableFuture<Boolean> outAt300 = new CompletableFuture<>();
        run(() -> {
            h.schedulePing(); // ping at 10 ms, deadline 210 ms
            vertx.setTimer(150, t -> h.alive()); // a message at 150 ms: deadline 150 + 10 + 200 = 360 ms
            vertx.setTimer(300, t -> outAt300.complete(timedOut.isDone()));
        });
        assertFalse(outAt300.get(10, TimeUnit.SECONDS), "not timed out at the ping's own deadline: a packet came since");
        assertEquals(1, timedOut.get(10, TimeUnit.SECONDS), "then timed out at the moved deadline, with no pong");
    }

    private void awaitPings(int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pings.get() < n) {
            assertTrue(System.nanoTime() < until, "pings: " + pings.get());
            Thread.sleep(2); // the pings come from the event loop's timers
        }
    }

    private void run(Runnable r) throws Exception {
        OnLoop.call(loop, () -> {
            r.run();
            return null;
        });
    }
}
