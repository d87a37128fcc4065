package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLSocket;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.ClientProcess;
import org.clnrest.support.SocketIoClients;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/**
 * A Socket.IO client that connects and then stops reading must not hold the others back or make the plugin
 * buffer without bound: past clnrest-notification-buffer it is disconnected, with a log line, while a real
 * client on the same server receives every notification, in order.
 */
public class SlowClientIT {
    static final int BATCHES = 12;
    static final int PER_BATCH = 30;
    static final int PAD = 64 * 1024;
    static final int BUFFER = 4 << 20;

    @Test
    void aClientThatStopsReadingIsDroppedAndOthersGetEverything() throws Exception {
        try (Harness h = Harness.start(b -> b.option("clnrest-notification-buffer", BUFFER))) {
            String rune = h.node.createRune(null);
            try (ClientProcess healthy = SocketIoClients.start(h, "node", "websocket", "/", rune);
                 SSLSocket stuck = connectAndStopReading(h, rune)) {
                healthy.await("connect", Duration.ofSeconds(30));
                String pad = "x".repeat(PAD);
                // About 2 MB a second: well within the buffer for a client that reads, past it (with the
                // kernel's socket buffers) after a few seconds for one that does not.
                int n = 0;
                for (int b = 0; b < BATCHES; b++) {
                    int first = n;
                    for (int i = 0; i < PER_BATCH; i++) {
                        NodeInternals.notifyPlugins(h.node, "slow_test", new JsonObject().put("n", n++).put("pad", pad));
                    }
                    for (int expect = first; expect < n; expect++) {
                        JsonObject m = healthy.await(e -> "message".equals(e.getString("event"))
                                && e.getJsonObject("data").containsKey("slow_test"), Duration.ofSeconds(30));
                        JsonObject body = m.getJsonObject("data").getJsonObject("slow_test");
                        assertEquals(expect, body.getInteger("n"), "every notification, in arrival order");
                        assertEquals(PAD, body.getString("pad").length());
                    }
                }
                String line = h.node.awaitLog("Disconnected a Socket.IO client that stopped reading", Duration.ofSeconds(30));
                assertTrue(line.contains("clnrest-notification-buffer is " + BUFFER), line);
                assertEquals(1, h.node.log().stream().filter(l -> l.contains("Disconnected a Socket.IO client")).count(),
                        "only the client that stopped reading");
            }
        }
    }

    /**
     * A raw WebSocket over TLS with a tiny receive buffer: handshake, Engine.IO open, Socket.IO CONNECT with
     * the rune, read until the server confirms the connection, then never read again.
     */
    public static SSLSocket connectAndStopReading(Harness h, String rune) throws Exception {
        SSLSocket s = h.tlsSocket(4096, Duration.ofSeconds(30));
        byte[] keyBytes = new byte[16];
        new SecureRandom().nextBytes(keyBytes);
        OutputStream out = s.getOutputStream();
        out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(keyBytes)
                + "\r\nrune: " + rune + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String headers = readUntil(in, "\r\n\r\n");
        assertTrue(headers.startsWith("HTTP/1.1 101"), headers);
        assertTrue(readFrame(in).startsWith("0{"), "Engine.IO open");
        writeFrame(out, "40");
        String connected;
        do {
            connected = readFrame(in);
        } while (connected.equals("2")); // a ping may come first
        assertTrue(connected.startsWith("40{"), "Socket.IO connected: " + connected);
        return s;
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                throw new IllegalStateException("closed: " + b);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** One unfragmented text frame from the server (unmasked). */
    private static String readFrame(InputStream in) throws Exception {
        int b0 = in.read();
        int b1 = in.read();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (in.read() << 8) | in.read();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | in.read();
            }
        }
        byte[] payload = in.readNBytes((int) len);
        assertEquals(0x81, b0, "a final text frame");
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** A masked text frame, as clients must send. */
    private static void writeFrame(OutputStream out, String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        out.write(0x81);
        out.write(0x80 | payload.length);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }
}
