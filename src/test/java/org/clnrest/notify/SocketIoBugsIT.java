package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import javax.net.ssl.SSLSocket;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.ClientProcess;
import org.clnrest.support.Heap;
import org.clnrest.support.SocketIoClients;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The four bugs of issue 15, each driven byte by byte with the raw client (and the npm client for the first).
 * Each of these failed on the code before the rewrite of {@code org.clnrest.notify}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketIoBugsIT {
    static Harness h;
    static RawClient raw;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.env("CLNREST_JAVA_OPTS", "-Dclnrest.notify.upgradeTimeoutMs=1000"));
        raw = new RawClient(h);
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    /** Bug 1: once the probe completes, the pending long-poll is answered with a noop at once. */
    @Test
    void probeAnswersThePendingPollWithNoop() throws Exception {
        probeAnswersThePendingPollWithNoop(raw);
    }

    /**
     * Bug 1 over the protocol {@code raw} speaks (SocketIoOverHttpIT runs it over http): the pending long-poll is
     * answered "6" within a second of "3probe", not at the next ping (25 s later).
     */
    static void probeAnswersThePendingPollWithNoop(RawClient raw) throws Exception {
        String sid = raw.open().getString("sid");
        // Held by the server (nothing to send yet), or if it arrives after the probe, answered at once: "6" either way.
        CompletableFuture<HttpResponse<String>> poll = raw.getAsync(RawClient.q(sid));
        RawClient.Ws ws = raw.ws("EIO=4&transport=websocket&sid=" + sid, Map.of());
        ws.send("2probe");
        assertEquals("3probe", ws.next(Duration.ofSeconds(5)));
        HttpResponse<String> r = poll.get(1, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("6", r.body());
        ws.send("5");
        ws.socket.sendClose(1000, "");
    }

    /** Bug 1 as users see it: the npm client with its defaults (polling, then upgrade) is on WebSocket within 1 s. */
    @Test
    void defaultNpmClientIsOnWebSocketWithinOneSecond() throws Exception {
        try (ClientProcess c = SocketIoClients.start(h, "node", "both", "/", rune)) {
            // The upgrade may finish before or after the namespace's connect (its checkrune): timed from the open.
            JsonObject upgrade = c.await("upgrade", Duration.ofSeconds(20));
            assertEquals("polling", upgrade.getString("from"));
            assertEquals("websocket", upgrade.getString("transport"));
            long ms = upgrade.getLong("sinceOpenMs");
            System.out.println("npm socket.io-client: Engine.IO open (polling) -> websocket upgrade in " + ms + " ms");
            assertTrue(ms < 1000, "upgraded " + ms + " ms after opening");
        }
    }

    /** Bug 2: an abandoned long-poll leaves nothing behind (the REST side's connection table included). */
    @Test
    void abandonedPollsLeaveNoConnectionBehind() throws Exception {
        long pid = NodeInternals.pluginProcesses(h.node).get(0).pid();
        int before = Heap.count(pid, Heap.SERVER_CONNECTION);
        int n = 100;
        List<SSLSocket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sid = raw.open().getString("sid");
            sockets.add(raw.rawRequest("GET " + RawClient.PATH + "?" + RawClient.q(sid) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        }
        for (SSLSocket s : sockets) {
            s.close();
        }
        int after = Heap.awaitAtMost(pid, Heap.SERVER_CONNECTION, before + 5, Duration.ofSeconds(20));
        System.out.println("server connections in the plugin's heap: before " + before + ", after " + n + " abandoned polls " + after);
    }

    /** Bug 3: a WebSocket opened with an existing sid that never completes the upgrade is closed (upgrade timeout). */
    @Test
    void halfUpgradedWebSocketIsClosed() throws Exception {
        String sid = raw.open().getString("sid");
        RawClient.Ws ws = raw.ws("EIO=4&transport=websocket&sid=" + sid, Map.of());
        String closed = ws.awaitClose(Duration.ofSeconds(5));
        assertNotNull(closed);
        // The session itself goes on over polling.
        assertEquals(200, raw.post(RawClient.q(sid), "3").statusCode());
        // And a probe that outlives its session is closed with it.
        RawClient.Ws ws2 = raw.ws("EIO=4&transport=websocket&sid=" + sid, Map.of());
        ws2.send("2probe");
        assertEquals("3probe", ws2.next(Duration.ofSeconds(5)));
        assertEquals(200, raw.post(RawClient.q(sid), "1").statusCode());
        ws2.awaitClose(Duration.ofSeconds(5));
    }

    /** Bug 4, no compression: a message up to maxPayload (1,000,000) is taken; one byte more closes with 1009. */
    @Test
    void webSocketTakesMessagesUpToMaxPayload() throws Exception {
        RawClient.Ws ws = raw.ws("EIO=4&transport=websocket", Map.of("rune", rune));
        assertTrue(ws.next(Duration.ofSeconds(5)).startsWith("0{"));
        ws.send("40");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(10)).startsWith("40{"));
        ws.send(event(999_000));
        ws.send(event(1_000_000));
        ws.send("40/ws,");
        assertTrue(ws.nextNotPing(Duration.ofSeconds(10)).startsWith("40/ws,{"), "the session took messages of 999,000 and 1,000,000 bytes");
        ws.send(event(1_000_001));
        assertEquals("close:1009", ws.awaitClose(Duration.ofSeconds(10)));
    }

    /**
     * Bug 4, permessage-deflate: the same limit holds on the inflated size. The server does not negotiate
     * compression (Vert.x 5.0 gives Netty's inflater no bound), so a compressed frame that would inflate to 2 MB
     * is a protocol error that ends the connection instead of 2 MB in the heap.
     */
    @Test
    void compressedMessagesCannotExceedMaxPayload() throws Exception {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        SSLSocket s = raw.rawRequest("GET " + RawClient.PATH + "?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                + "rune: " + rune + "\r\n\r\n");
        InputStream in = s.getInputStream();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        OutputStream out = s.getOutputStream();
        String inflated = event(2_000_000);
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(inflated.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            z.write(buf, 0, n);
        }
        byte[] payload = z.toByteArray();
        byte[] trimmed = java.util.Arrays.copyOf(payload, payload.length - 4); // RFC 7692: drop 00 00 ff ff
        writeFrame(out, 0xC1, trimmed); // FIN, RSV1 (compressed), text
        writeFrame(out, 0x81, "40".getBytes(StandardCharsets.UTF_8));
        // Read until the connection ends; a "40{" (the session took 2 MB and went on) fails the test.
        s.setSoTimeout(10_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                got.write(c);
                assertFalse(got.toString(StandardCharsets.ISO_8859_1).contains("40{"), "a 2 MB inflated message was taken");
            }
        } catch (java.net.SocketTimeoutException open) {
            throw new AssertionError("the connection is still open 10 s after a message that inflates to 2 MB");
        } catch (java.net.SocketException reset) {
            // closed by the server: what we want
        }
        assertFalse(head.toLowerCase().contains("permessage-deflate") && got.toString(StandardCharsets.ISO_8859_1).contains("40{"));
        s.close();
    }

    static String event(int size) {
        String prefix = "42[\"big\",\"";
        String suffix = "\"]";
        return prefix + "a".repeat(size - prefix.length() - suffix.length()) + suffix;
    }

    static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IllegalStateException("closed: " + b);
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    static void writeFrame(OutputStream out, int first, byte[] payload) throws Exception {
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        out.write(first);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) payload.length >> (8 * i)) & 0xff);
            }
        }
        out.write(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(masked);
        out.flush();
    }
}
