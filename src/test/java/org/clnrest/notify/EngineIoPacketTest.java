package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;

import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The Engine.IO v4 codec, byte for byte (the examples of the protocol's README). */
class EngineIoPacketTest {

    @Test
    void decodesEveryTextType() throws Exception {
        String[] types = {"OPEN", "CLOSE", "PING", "PONG", "MESSAGE", "UPGRADE", "NOOP"};
        for (int i = 0; i < types.length; i++) {
            EngineIoPacket p = EngineIoPacket.decode(String.valueOf(i));
            assertEquals(types[i], p.type().name());
            assertNull(p.data());
            assertFalse(p.binary());
        }
        EngineIoPacket probe = EngineIoPacket.decode("2probe");
        assertEquals(EngineIoPacket.Type.PING, probe.type());
        assertEquals("probe", probe.data());
        assertEquals("hello", EngineIoPacket.decode("4hello").data());
        assertEquals("€ ü", EngineIoPacket.decode("4€ ü").data());
    }

    @Test
    void binaryMessagesAreBase64InPayloads() throws Exception {
        EngineIoPacket b = EngineIoPacket.decode("bAQIDBA==");
        assertEquals(EngineIoPacket.Type.MESSAGE, b.type());
        assertTrue(b.binary());
        assertThrows(ProtocolException.class, () -> EngineIoPacket.decode("b!!!"));
    }

    @Test
    void refusesUnknownAndEmptyPackets() {
        for (String bad : new String[] {"", "7", "9", "a", "abc", " 4", "x4hello"}) {
            assertThrows(ProtocolException.class, () -> EngineIoPacket.decode(bad), bad);
        }
    }

    @Test
    void encodesTextPackets() {
        assertEquals("2", EngineIoPacket.PING.encode());
        assertEquals("6", EngineIoPacket.NOOP.encode());
        assertEquals("1", EngineIoPacket.CLOSE.encode());
        assertEquals("4hello", EngineIoPacket.message("hello").encode());
        assertThrows(IllegalStateException.class, () -> EngineIoPacket.binaryMessage().encode());
    }

    @Test
    void openPacketHasTheFiveKeys() {
        String open = EngineIoPacket.open("abc", true, 25000, 20000).encode();
        assertEquals("0{\"sid\":\"abc\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}", open);
        JsonObject ws = new JsonObject(EngineIoPacket.open("abc", false, 300, 200).encode().substring(1));
        assertEquals(0, ws.getJsonArray("upgrades").size());
        assertEquals(300, ws.getInteger("pingInterval"));
    }

    @Test
    void payloadsSplitOnTheRecordSeparator() throws Exception {
        List<EngineIoPacket> ps = EngineIoPacket.decodePayload("4test1\u001e4test2\u001ebAQIDBA==\u001e3");
        assertEquals(4, ps.size());
        assertEquals("test1", ps.get(0).data());
        assertEquals("test2", ps.get(1).data());
        assertTrue(ps.get(2).binary());
        assertEquals(EngineIoPacket.Type.PONG, ps.get(3).type());
        assertEquals("4hello\u001e2\u001e6", EngineIoPacket.encodePayload(List.of("4hello", "2", "6")));
        assertEquals("4hello", EngineIoPacket.encodePayload(List.of("4hello")));
    }

    @Test
    void aPayloadWithABadPacketOrTooManyIsRefusedWhole() throws Exception {
        assertThrows(ProtocolException.class, () -> EngineIoPacket.decodePayload("4ok\u001eabc"));
        assertThrows(ProtocolException.class, () -> EngineIoPacket.decodePayload("4ok\u001e"));
        assertThrows(ProtocolException.class, () -> EngineIoPacket.decodePayload(""));
        String max = String.join("\u001e", Collections.nCopies(EngineIoPacket.MAX_PACKETS_PER_PAYLOAD, "3"));
        assertEquals(EngineIoPacket.MAX_PACKETS_PER_PAYLOAD, EngineIoPacket.decodePayload(max).size());
        assertThrows(ProtocolException.class, () -> EngineIoPacket.decodePayload(max + "\u001e3"));
    }
}
