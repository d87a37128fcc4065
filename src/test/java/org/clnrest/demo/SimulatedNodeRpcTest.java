package org.clnrest.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated lightningd's RPC socket as a client meets it, byte for byte: what lightningd answers, it answers
 * (the one test double must behave as lightningd does).
 */
class SimulatedNodeRpcTest {
    static final ThreadLocal<SimulatedLightningd> NODE = new ThreadLocal<>();
    SimulatedLightningd node;
    Path dir;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("simnode");
        node = SimulatedLightningd.builder(dir).build().start();
        NODE.set(node);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    /** lightningd parses any JSON number and answers; one huge integer must not cost the connection its calls. */
    @Test
    void aThousandDigitIntegerIsAnsweredAndTheConnectionKept() throws Exception {
        String digits = "9".repeat(1000);
        String rune = node.createRune(null);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(node.rpcFile()));
            String calls = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"checkrune\",\"params\":{\"rune\":\"" + rune
                    + "\",\"method\":\"datastore\",\"params\":{\"a\":" + digits + "}}}"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getinfo\",\"params\":{}}";
            ch.write(ByteBuffer.wrap(calls.getBytes(StandardCharsets.UTF_8)));
            // lightningd answers in any order: match by id
            java.util.Map<Integer, JsonObject> byId = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                JsonObject r = read(ch);
                byId.put(r.getInteger("id"), r);
            }
            JsonObject first = byId.get(1);
            JsonObject second = byId.get(2);
            assertTrue(first.getJsonObject("result").getBoolean("valid"), "checkrune answered: " + first);
            assertEquals(node.nodeId(), second.getJsonObject("result").getString("id"), "the next call on the same connection answered");
        }
    }

    /** ccan/rune's rune_from_base64n refuses it; lightningd answers without the token and logs the token instead. */
    @Test
    void aMalformedRuneIsRefusedAsLightningdDoes() throws Exception {
        for (String bad : new String[] {"A", "!!!not*base64***", "A".repeat(15_000)}) {
            JsonObject reply = node.call("checkrune", new JsonObject().put("rune", bad).put("method", "getinfo"));
            JsonObject error = reply.getJsonObject("error");
            assertEquals(-32602, error.getInteger("code"), bad);
            assertEquals("rune: should be base64 string: invalid token (see logs for details)", error.getString("message"));
            assertFalse(error.getString("message").contains(bad));
        }
        assertEquals(3, node.log().stream().filter(l -> l.contains("Invalid parameter rune (should be base64 string): token '")).count());
    }

    private static JsonObject read(SocketChannel ch) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!got.toString(StandardCharsets.UTF_8).endsWith("\n\n")) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new AssertionError("lightningd closed the connection after: " + got.toString(StandardCharsets.UTF_8) + "; its log: " + NODE.get().log());
            }
            got.write(one.array(), 0, 1);
        }
        return new JsonObject(got.toString(StandardCharsets.UTF_8).trim());
    }
}
