package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Socket.IO v5 protocol suite ({@code socketio/socket.io-protocol}, {@code test-suite/test-suite.js}) ported
 * to this server with the raw client over WebSocket, every byte asserted. Its Engine.IO half is the same as
 * {@link EngineIoProtocolIT}'s (run there). Every CONNECT here carries a rune (header or auth payload): this
 * server refuses one without (see NotificationsIT).
 *
 * Not applicable, and why: the reference test server's {@code /custom} namespace is {@code /ws} here (the only
 * other namespace this server has); its handlers that answer a CONNECT with {@code 42["auth",...]}, echo events as
 * {@code message-back} and call acknowledgement callbacks ({@code 43456[...]}, {@code 462-789[...]}) have no
 * counterpart: clients only receive here. What of those cases applies is asserted instead: events, binary events
 * with their attachments and events asking for an ack are taken (the session goes on) and nothing is sent back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketIoProtocolIT {
    static Harness h;
    static Harness fast;
    static RawClient raw;
    static RawClient rawFast;
    static String rune;
    static String runeFast;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start();
        fast = Harness.start(b -> b.env("CLNREST_JAVA_OPTS",
                "-Dclnrest.notify.pingIntervalMs=300 -Dclnrest.notify.pingTimeoutMs=2000 -Dclnrest.notify.connectTimeoutMs=1000"));
        raw = new RawClient(h);
        rawFast = new RawClient(fast);
        rune = h.node.createRune(null);
        runeFast = fast.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        fast.close();
    }

    /** A WebSocket session with the Engine.IO handshake read; returns it with its Engine.IO sid. */
    static RawClient.Ws session(RawClient c, Map<String, String> headers, String[] sid) throws Exception {
        RawClient.Ws ws = c.ws("EIO=4&transport=websocket", headers);
        String open = ws.next(Duration.ofSeconds(5));
        assertTrue(open.startsWith("0{"), open);
        sid[0] = new JsonObject(open.substring(1)).getString("sid");
        return ws;
    }

    static RawClient.Ws connected() throws Exception {
        RawClient.Ws ws = session(raw, Map.of("rune", rune), new String[1]);
        ws.send("40");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(5)).startsWith("40{"));
        return ws;
    }

    static void assertHandshake(String packet, String prefix, String engineSid) {
        assertTrue(packet.startsWith(prefix + "{"), packet);
        JsonObject hs = new JsonObject(packet.substring(prefix.length()));
        assertEquals(Set.of("sid"), hs.fieldNames());
        assertTrue(hs.getString("sid").matches("[A-Za-z0-9_-]{20}"), packet);
        assertNotEquals(engineSid, hs.getString("sid"), "the Socket.IO sid is not the Engine.IO one");
    }

    /** The session is alive: a CONNECT to /ws is answered. */
    static void assertAlive(RawClient.Ws ws) throws Exception {
        ws.send("40/ws,");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(5)).startsWith("40/ws,{"));
    }

    // ---- connect -------------------------------------------------------------------------------------

    @Test
    void connectsToTheMainNamespace() throws Exception {
        String[] sid = new String[1];
        RawClient.Ws ws = session(raw, Map.of("rune", rune), sid);
        ws.send("40");
        assertHandshake(ws.nextNotPing(Duration.ofSeconds(5)), "40", sid[0]);
    }

    @Test
    void connectsToTheMainNamespaceWithAPayload() throws Exception {
        String[] sid = new String[1];
        RawClient.Ws ws = session(raw, Map.of(), sid);
        ws.send("40{\"rune\":\"" + rune + "\"}");
        assertHandshake(ws.nextNotPing(Duration.ofSeconds(5)), "40", sid[0]);
    }

    @Test
    void connectsToTheOtherNamespace() throws Exception {
        String[] sid = new String[1];
        RawClient.Ws ws = session(raw, Map.of("rune", rune), sid);
        ws.send("40/ws,");
        assertHandshake(ws.nextNotPing(Duration.ofSeconds(5)), "40/ws,", sid[0]);
    }

    @Test
    void connectsToTheOtherNamespaceWithAPayload() throws Exception {
        String[] sid = new String[1];
        RawClient.Ws ws = session(raw, Map.of(), sid);
        ws.send("40/ws,{\"rune\":\"" + rune + "\"}");
        assertHandshake(ws.nextNotPing(Duration.ofSeconds(5)), "40/ws,", sid[0]);
    }

    @Test
    void refusesAnUnknownNamespace() throws Exception {
        RawClient.Ws ws = session(raw, Map.of("rune", rune), new String[1]);
        ws.send("40/random");
        assertEquals("44/random,{\"message\":\"Invalid namespace\"}", ws.nextNotPing(Duration.ofSeconds(5)));
        assertAlive(ws);
    }

    @Test
    void closesUponAnInvalidHandshake() throws Exception {
        RawClient.Ws ws = session(raw, Map.of("rune", rune), new String[1]);
        ws.send("4abc");
        ws.awaitClose(Duration.ofSeconds(5));
    }

    @Test
    void closesWhenNoHandshakeIsReceived() throws Exception {
        long t0 = System.nanoTime();
        RawClient.Ws ws = session(rawFast, Map.of(), new String[1]);
        ws.awaitClose(Duration.ofSeconds(5));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 900, "closed after " + ms + " ms, connect timeout 1000");
        // Nor does a refused client stay: it never connected a namespace.
        RawClient.Ws refused = session(rawFast, Map.of(), new String[1]);
        refused.send("40");
        assertEquals("44{\"message\":\"Not authorized: Missing rune\",\"data\":{\"code\":1501,\"message\":\"Not authorized: Missing rune\"}}",
                refused.nextNotPing(Duration.ofSeconds(5)));
        refused.awaitClose(Duration.ofSeconds(5));
    }

    // ---- disconnect ----------------------------------------------------------------------------------

    @Test
    void disconnectsFromTheMainNamespaceAndTheSessionGoesOn() throws Exception {
        RawClient.Ws ws = session(rawFast, Map.of("rune", runeFast), new String[1]);
        ws.send("40");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(5)).startsWith("40{"));
        ws.send("41");
        assertEquals("2", ws.next(Duration.ofSeconds(5)));
        ws.send("3");
        // It left, so it may come back.
        ws.send("40");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(5)).startsWith("40{"));
    }

    @Test
    void connectsThenDisconnectsTheOtherNamespace() throws Exception {
        RawClient.Ws ws = connected();
        ws.send("40/ws,");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(5)).startsWith("40/ws,{"));
        ws.send("41/ws,");
        ws.send("42[\"message\",\"message to main namespace\"]");
        assertAlive(ws);
    }

    // ---- messages ------------------------------------------------------------------------------------

    @Test
    void takesPlainTextEventsAndSendsNothingBack() throws Exception {
        RawClient.Ws ws = connected();
        ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
        ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]"); // no handler, so no ACK (43456[...])
        ws.send("43[\"an ack of nothing\"]");
        assertAlive(ws); // the next packet is the CONNECT's answer: nothing came back for the events
    }

    @Test
    void takesBinaryEventsWithTheirAttachmentsAndSendsNothingBack() throws Exception {
        RawClient.Ws ws = connected();
        ws.send("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {4, 5, 6}), true).join();
        ws.send("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {4, 5, 6}), true).join();
        assertAlive(ws);
    }

    @Test
    void closesUponInvalidFormats() throws Exception {
        String[] bad = {
            "4abc",                                      // unknown packet type
            "42{}",                                      // invalid payload format
            "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]", // invalid ack id
            "42[\"connect\"]",                           // a reserved event name
            "44{\"message\":\"x\"}",                     // CONNECT_ERROR comes from servers only
        };
        for (String b : bad) {
            RawClient.Ws ws = connected();
            ws.send(b);
            ws.awaitClose(Duration.ofSeconds(5));
        }
    }

    // ---- this server's rules -------------------------------------------------------------------------

    @Test
    void closesUponPacketsBeforeConnect() throws Exception {
        for (String b : new String[] {"42[\"message\"]", "41", "41/ws,", "43[]"}) {
            RawClient.Ws ws = session(raw, Map.of("rune", rune), new String[1]);
            ws.send(b);
            ws.awaitClose(Duration.ofSeconds(5));
        }
        RawClient.Ws ws = connected();
        ws.send("42/ws,[\"message\"]"); // /ws not connected
        ws.awaitClose(Duration.ofSeconds(5));
    }

    @Test
    void closesUponASecondConnectToTheSameNamespace() throws Exception {
        RawClient.Ws ws = connected();
        ws.send("40");
        ws.awaitClose(Duration.ofSeconds(5));
        RawClient.Ws checking = session(raw, Map.of("rune", rune), new String[1]);
        checking.send("40/ws,");
        checking.send("40/ws,"); // while the first is being checked
        checking.awaitClose(Duration.ofSeconds(5));
    }

    @Test
    void closesUponBinaryDataOutsideABinaryPacket() throws Exception {
        RawClient.Ws ws = connected();
        ws.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        ws.awaitClose(Duration.ofSeconds(5));
        RawClient.Ws text = connected();
        text.send("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
        text.send("42[\"message\"]"); // text while an attachment is due
        text.awaitClose(Duration.ofSeconds(5));
    }
}
