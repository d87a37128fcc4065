package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The Socket.IO v5 codec, byte for byte (the examples of the protocol's README and the reference parser's checks). */
class SocketIoPacketTest {

    static SocketIoPacket d(String s) throws ProtocolException {
        return SocketIoPacket.decode(s);
    }

    @Test
    void connectToMainAndOtherNamespaces() throws Exception {
        SocketIoPacket p = d("0");
        assertEquals(SocketIoPacket.Type.CONNECT, p.type());
        assertEquals("/", p.namespace());
        assertNull(p.payload());
        assertEquals("/ws", d("0/ws,").namespace());
        assertEquals("/ws", d("0/ws").namespace());
        SocketIoPacket auth = d("0/admin,{\"token\":\"123\"}");
        assertEquals("/admin", auth.namespace());
        assertEquals(new JsonObject().put("token", "123"), auth.payload());
        assertEquals("x", ((JsonObject) d("0{\"rune\":\"x\"}").payload()).getString("rune"));
    }

    @Test
    void eventsAcksAndBinary() throws Exception {
        SocketIoPacket e = d("2[\"hello\",1]");
        assertEquals(SocketIoPacket.Type.EVENT, e.type());
        assertEquals(new JsonArray().add("hello").add(1), e.payload());
        SocketIoPacket withAck = d("2/ws,456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        assertEquals("/ws", withAck.namespace());
        assertEquals(456L, withAck.ackId());
        assertEquals(7L, d("37[\"ok\"]").ackId());
        SocketIoPacket bin = d("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertEquals(SocketIoPacket.Type.BINARY_EVENT, bin.type());
        assertEquals(2, bin.attachments());
        SocketIoPacket binAck = d("61-/ws,789[{\"_placeholder\":true,\"num\":0}]");
        assertEquals(1, binAck.attachments());
        assertEquals("/ws", binAck.namespace());
        assertEquals(789L, binAck.ackId());
        assertEquals(SocketIoPacket.Type.EVENT, d("2").type()); // an event with no arguments, as the reference parser reads it
        assertEquals(SocketIoPacket.Type.EVENT, d("2[12]").type()); // a numeric event name
    }

    @Test
    void refusesWhatTheReferenceParserRefuses() {
        String[] bad = {
            "", "7", "abc", "9[]",                       // unknown types
            "2{}", "2\"x\"", "2[]", "2[\"connect\"]",      // EVENT payload: a non-empty array, no reserved name
            "2[\"disconnect\",1]", "2[{}]",
            "2abc[\"message-with-ack\",1]",             // the "invalid ack id" of the suite: not JSON
            "0[]", "0\"x\"", "0null", "0abc",           // CONNECT payload: an object
            "1{}", "1/ws,{}",                            // DISCONNECT: no payload
            "3{}", "5[\"x\"]", "5x-[\"x\"]", "5-[\"x\"]", "51234567-[\"x\"]", // ACK; attachment counts
            "4[]", "2[\"x\"]garbage", "21234567890123456[\"x\"]", // CONNECT_ERROR payload; trailing garbage; ack id length
        };
        for (String b : bad) {
            assertThrows(ProtocolException.class, () -> d(b), b);
        }
    }

    @Test
    void encodes() {
        assertEquals("0", new SocketIoPacket(SocketIoPacket.Type.CONNECT, "/", null, 0, null).encode());
        assertEquals("0/ws,{\"sid\":\"a\"}", new SocketIoPacket(SocketIoPacket.Type.CONNECT, "/ws", null, 0,
                new JsonObject().put("sid", "a")).encode());
        assertEquals("2/ws,12[\"message\",{}]", new SocketIoPacket(SocketIoPacket.Type.EVENT, "/ws", 12L, 0,
                new JsonArray().add("message").add(new JsonObject())).encode());
        assertEquals("52-[\"x\"]", new SocketIoPacket(SocketIoPacket.Type.BINARY_EVENT, "/", null, 2, new JsonArray().add("x")).encode());
        assertEquals("1/ws,", SocketIoPacket.disconnect("/ws").encode());
        assertEquals("4", SocketIoPacket.connectError("/", null).encode());
    }

    /** What the server sends, built by name: the bytes the clients and the protocol suites expect. */
    @Test
    void theServersPacketsAreBuiltByName() {
        assertEquals("0/ws,{\"sid\":\"a\"}", SocketIoPacket.connect("/ws", "a").encode());
        assertEquals("0{\"sid\":\"a\"}", SocketIoPacket.connect("/", "a").encode());
        assertEquals("4/ws,{\"message\":\"Invalid namespace\"}",
                SocketIoPacket.connectError("/ws", new JsonObject().put("message", "Invalid namespace")).encode());
        assertEquals("1", SocketIoPacket.disconnect("/").encode());
        assertEquals("2[\"message\",{\"a\":1}]",
                SocketIoPacket.event("/", new JsonArray().add("message").add(new JsonObject().put("a", 1))).encode());
        assertEquals("42/ws,[\"message\",1]", EngineIoPacket.message(SocketIoPacket.event("/ws", new JsonArray().add("message").add(1))).encode());
    }
}
