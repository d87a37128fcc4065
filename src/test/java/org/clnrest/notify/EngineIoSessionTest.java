package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import org.clnrest.support.OnLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One Engine.IO session over a transport of the test's own (what a real one would put on the wire is recorded): the
 * open packet, packets out in order, messages in to the layer above, the protocol's breaches, graceful closes over a
 * pushing and a polling transport, the heartbeat's time-out and a client that stops reading. The upgrade and the real
 * transports are the end-to-end suites' (EngineIoProtocolIT, SocketIoOverHttpIT).
 */
class EngineIoSessionTest {
    final Vertx vertx = Vertx.vertx();
    final Context loop = vertx.getOrCreateContext();
    final Sessions.Recorder above = new Sessions.Recorder();
    final List<String> received = above.received;
    final CompletableFuture<CloseReason> closed = above.closed;
    final TestTransport transport = new TestTransport();
    EngineIoSession session;

    /** Takes what the session queues when it may (a WebSocket: always; polling: when a GET is held). */
    static final class TestTransport implements Transport {
        final List<String> wire = new ArrayList<>();
        boolean pushes = true;
        boolean pollHeld;
        CloseReason closedFor;
        boolean aborted;

        @Override
        public boolean flush(ArrayDeque<Outgoing> outbox) {
            if (outbox.isEmpty() || !(pushes || pollHeld)) {
                return false;
            }
            while (!outbox.isEmpty()) {
                wire.add(outbox.poll().text()); // counted as written when sent, as if the socket took them at once
            }
            pollHeld = false;
            return true;
        }

        @Override
        public boolean pushes() {
            return pushes;
        }

        @Override
        public void close(CloseReason reason, boolean abort) {
            closedFor = reason;
            aborted = abort;
        }
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    void open(Timeouts timeouts, long perClientBudget) throws Exception {
        NotificationBudget budget = Sessions.budget(vertx, perClientBudget, 64 * perClientBudget);
        session = OnLoop.call(loop, () -> {
            EngineIoSession s = new EngineIoSession("sid1", vertx, timeouts, budget, () -> { });
            s.open(transport, above);
            return s;
        });
    }

    void open() throws Exception {
        open(Timeouts.DEFAULTS, 1 << 20);
    }

    @Test
    void theOpenPacketTellsTheSidTheUpgradesAndTheHeartbeat() throws Exception {
        open();
        String open = session.openPacket().encode();
        assertEquals('0', open.charAt(0));
        JsonObject o = new JsonObject(open.substring(1));
        assertEquals("sid1", o.getString("sid"));
        assertEquals(List.of(), o.getJsonArray("upgrades").getList(), "over a WebSocket, no upgrade is offered");
        assertEquals(25_000, o.getInteger("pingInterval"));
        assertEquals(20_000, o.getInteger("pingTimeout"));
        assertEquals(EngineIoPacket.MAX_PAYLOAD, o.getInteger("maxPayload"));
        assertEquals(SessionState.OPEN, session.state());
    }

    @Test
    void packetsGoOutInTheOrderTheyWereSent() throws Exception {
        open();
        run(() -> {
            for (int i = 0; i < 5; i++) {
                assertTrue(session.send(Outgoing.of(EngineIoPacket.message("m" + i))));
            }
        });
        assertEquals(List.of("4m0", "4m1", "4m2", "4m3", "4m4"), transport.wire);
    }

    @Test
    void aPayloadsMessagesReachTheLayerAboveInOrder() throws Exception {
        open();
        assertTrue(OnLoop.call(loop, () -> session.receivePayload("4a\u001e3\u001e4b\u001e6\u001e4c")), "messages, a pong and a noop");
        assertEquals(List.of("a", "b", "c"), received);
        assertFalse(closed.isDone());
    }

    @Test
    void aPingFromTheClientIsABreachThatEndsTheSession() throws Exception {
        open();
        assertFalse(OnLoop.call(loop, () -> session.receivePayload("4a\u001e2")), "the server pings, the client pongs");
        assertEquals(CloseReason.PARSE_ERROR, closed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), received, "what came before the breach was delivered");
        assertEquals(CloseReason.PARSE_ERROR, transport.closedFor);
        assertFalse(OnLoop.call(loop, () -> session.send(Outgoing.of(EngineIoPacket.message("late")))), "nothing is sent after the close");
    }

    @Test
    void aCloseFromTheClientEndsTheSession() throws Exception {
        open();
        run(() -> session.receivePayload("1"));
        assertEquals(CloseReason.CLIENT_CLOSE, closed.get(10, TimeUnit.SECONDS));
        assertEquals(SessionState.CLOSED, session.state());
    }

    @Test
    void aGracefulCloseOverAWebSocketWritesWhatIsQueuedThenCloses() throws Exception {
        open();
        run(() -> {
            session.send(Outgoing.of(EngineIoPacket.message("bye")));
            session.closeGracefully(CloseReason.RUNE_REVOKED);
        });
        assertEquals(CloseReason.RUNE_REVOKED, closed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("4bye"), transport.wire);
        assertEquals(CloseReason.RUNE_REVOKED, transport.closedFor);
    }

    @Test
    void aGracefulCloseOverPollingWaitsForThePollThatTakesTheClose() throws Exception {
        transport.pushes = false;
        open();
        run(() -> {
            session.send(Outgoing.of(EngineIoPacket.message("41")));
            session.closeGracefully(CloseReason.RUNE_REVOKED);
        });
        assertEquals(SessionState.CLOSING, session.state(), "no poll yet: the DISCONNECT and the close wait for it");
        assertEquals(List.of(), transport.wire);
        run(() -> { // the client polls
            transport.pollHeld = true;
            session.flush();
        });
        assertEquals(List.of("441", "1"), transport.wire, "the queued packet, then the close");
        assertEquals(CloseReason.RUNE_REVOKED, closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatNeverAnswersAPingIsTimedOut() throws Exception {
        open(new Timeouts(20, 50, 10_000, 10_000, 3_000, 5_000), 1 << 20);
        assertEquals(CloseReason.PING_TIMEOUT, closed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("2"), transport.wire, "one ping, unanswered");
        assertTrue(transport.aborted, "its connection is closed at once, not after a close handshake it would not read");
    }

    @Test
    void aClientThatStopsReadingIsDroppedAtItsBudget() throws Exception {
        transport.pushes = false; // polling, and the client never polls
        open(Timeouts.DEFAULTS, 1_000);
        boolean[] sent = new boolean[20];
        run(() -> {
            for (int i = 0; i < sent.length; i++) {
                sent[i] = session.send(Outgoing.of(EngineIoPacket.message("x".repeat(99))));
            }
        });
        assertTrue(sent[8], "up to its budget (1,000 bytes: nine of 100)");
        assertFalse(sent[10], "past it the session is closed");
        assertEquals(CloseReason.STOPPED_READING, closed.get(10, TimeUnit.SECONDS));
    }

    private void run(Runnable r) throws Exception {
        OnLoop.call(loop, () -> {
            r.run();
            return null;
        });
    }
}
