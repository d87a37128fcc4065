package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.support.Chromium;
import org.clnrest.support.Harness;
import org.clnrest.auth.RuneId;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Notifications on the plain WebSocket {@code /v1/notifications}: the JDK's WebSocket (every frame asserted), a
 * raw TLS client that stops reading, and a page in headless Chromium (the browser's own WebSocket, which cannot
 * set headers). The plugin runs with a rune re-check every second, a 1 s auth timeout and a 4 MiB client buffer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlainWebSocketIT {
    static final String PATH = "/v1/notifications";
    static Harness h;
    static RawClient raw;
    static String rune;
    static String forbidding;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-notification-buffer", 4 << 20)
                .env("CLNREST_JAVA_OPTS", "-Dclnrest.notify.runeRecheckMs=1000 -Dclnrest.notify.authMs=1000"));
        raw = new RawClient(h);
        rune = h.node.createRune(null);
        forbidding = h.node.createRune(new JsonArray().add("method/listclnrest-notifications"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    /**
     * Wait until every socket is authorised: success is silent, so probe notifications are sent until each has
     * received one; then a last marker is sent and read off every socket, so that what follows starts clean.
     */
    static void awaitAuthorised(RawClient.Ws... sockets) throws Exception {
        awaitAuthorised(h, sockets);
    }

    /** {@link #awaitAuthorised(RawClient.Ws...)} on another harness's plugin. */
    static void awaitAuthorised(Harness h, RawClient.Ws... sockets) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean[] got = new boolean[sockets.length];
        for (int k = 0; ; k++) {
            NodeInternals.notifyPlugins(h.node, "probe", new JsonObject().put("k", k));
            boolean all = true;
            for (int i = 0; i < sockets.length; i++) {
                if (!got[i]) {
                    String m = sockets[i].next(Duration.ofMillis(1500));
                    got[i] = m != null;
                    all &= got[i];
                }
            }
            if (all) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "never authorised");
        }
        NodeInternals.notifyPlugins(h.node, "probe", new JsonObject().put("k", "last"));
        for (RawClient.Ws ws : sockets) {
            String m;
            do {
                m = ws.next(Duration.ofSeconds(10));
                assertTrue(m != null && m.startsWith("{\"probe\":"), String.valueOf(m));
            } while (!m.equals("{\"probe\":{\"k\":\"last\"}}"));
        }
    }

    void assertReceives(RawClient.Ws ws, String topic) throws Exception {
        long msat = (1L << 60) + 7;
        for (int i = 0; i < 3; i++) {
            NodeInternals.notifyPlugins(h.node, topic, new JsonObject().put("n", i).put("msat", msat));
        }
        for (int i = 0; i < 3; i++) {
            // Byte for byte: one frame per notification, in order, msat an exact integer.
            assertEquals("{\"" + topic + "\":{\"n\":" + i + ",\"msat\":" + msat + "}}", ws.next(Duration.ofSeconds(10)));
        }
    }

    @Test
    void runeInTheHeader() throws Exception {
        RawClient.Ws ws = raw.wsAt(PATH, Map.of("Rune", rune));
        awaitAuthorised(ws);
        assertReceives(ws, "header_rune");
        ws.socket.sendClose(1000, "");
    }

    @Test
    void runeAsASubprotocol() throws Exception {
        RawClient.Ws ws = raw.wsAt(PATH, Map.of(), "clnrest-notifications", rune);
        assertEquals("clnrest-notifications", ws.socket.getSubprotocol());
        awaitAuthorised(ws);
        assertReceives(ws, "subprotocol_rune");
    }

    @Test
    void runeAsTheFirstMessage() throws Exception {
        RawClient.Ws ws = raw.wsAt(PATH, Map.of());
        ws.send(rune);
        RawClient.Ws json = raw.wsAt(PATH, Map.of());
        json.send(new JsonObject().put("rune", rune).encode());
        awaitAuthorised(ws, json);
        assertReceives(ws, "first_frame_rune");
        for (int i = 0; i < 3; i++) {
            assertTrue(json.next(Duration.ofSeconds(10)).startsWith("{\"first_frame_rune\":{\"n\":" + i + ","));
        }
    }

    @Test
    void refusalsCloseWithLightningdsMessage() throws Exception {
        RawClient.Ws none = raw.wsAt(PATH, Map.of());
        assertEquals("close:4401", none.awaitClose(Duration.ofSeconds(15)));
        assertEquals("Not authorized: Missing rune", none.closeReason);
        RawClient.Ws forbidden = raw.wsAt(PATH, Map.of("Rune", forbidding));
        assertEquals("close:4403", forbidden.awaitClose(Duration.ofSeconds(15)));
        assertEquals("Not permitted: method is equal to listclnrest-notifications", forbidden.closeReason);
        RawClient.Ws foreign = raw.wsAt(PATH, Map.of());
        foreign.send(Harness.forged(rune));
        assertEquals("close:4401", foreign.awaitClose(Duration.ofSeconds(15)));
        assertEquals("Not authorized: Not derived from master", foreign.closeReason);
        h.node.awaitLog(l -> l.contains("Refused a notification WebSocket client"), Duration.ofSeconds(5));
    }

    @Test
    void neverInTheUrl() throws Exception {
        assertEquals(400, assertThrows(RawClient.Refused.class, () -> raw.wsAt(PATH + "?rune=" + rune, Map.of())).status);
        HttpResponse<String> plainGet = raw.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("https://localhost:" + h.port + PATH)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(426, plainGet.statusCode());
        assertFalse(h.node.log().stream().anyMatch(l -> l.contains(rune)));
    }

    @Test
    void revokedRuneIsClosedWithinThePeriod() throws Exception {
        String doomed = h.node.createRune(null);
        RawClient.Ws ws = raw.wsAt(PATH, Map.of("Rune", doomed));
        awaitAuthorised(ws);
        h.node.call("blacklistrune", new JsonObject().put("start", Long.parseLong(RuneId.of(doomed))));
        assertEquals("close:4401", ws.awaitClose(Duration.ofSeconds(15)));
        assertEquals("Not authorized: Blacklisted rune", ws.closeReason);
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndAReaderGetsEverything() throws Exception {
        RawClient.Ws reader = raw.wsAt(PATH, Map.of("Rune", rune));
        SSLSocket stuck = raw.rawRequest("GET " + PATH + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(16))
                + "\r\nRune: " + rune + "\r\n\r\n");
        assertTrue(SocketIoBugsIT.readHead(stuck.getInputStream()).startsWith("HTTP/1.1 101"));
        awaitAuthorised(reader); // the stuck client's checkrune was asked before the reader's probe arrived
        String pad = "x".repeat(64 * 1024);
        int n = 0;
        for (int burst = 0; burst < 8; burst++) {
            int first = n;
            for (int i = 0; i < 30; i++) {
                NodeInternals.notifyPlugins(h.node, "plain_slow", new JsonObject().put("n", n++).put("pad", pad));
            }
            for (int expect = first; expect < n; expect++) {
                assertTrue(reader.next(Duration.ofSeconds(30)).startsWith("{\"plain_slow\":{\"n\":" + expect + ","));
            }
        }
        String line = h.node.awaitLog("Disconnected a notification WebSocket client that stopped reading", Duration.ofSeconds(30));
        assertTrue(line.contains("clnrest-notification-buffer is " + (4 << 20)), line);
        stuck.close();
    }

    @Test
    void aBrowserPageReceivesNotifications() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Chromium.BINARY) || System.getenv("CI") != null,
                "Debian's chromium is not installed (bin/test installs it)");
        Vertx vertx = Vertx.vertx();
        try (Chromium browser = Chromium.start(vertx, Chromium.spki(h))) {
            String base = "https://localhost:" + h.port;
            browser.navigate(base + "/openapi.json");
            browser.await("document.readyState === 'complete'", Duration.ofSeconds(20));
            String url = "wss://localhost:" + h.port + PATH;
            // A browser cannot set headers on a WebSocket: the rune goes as a subprotocol, or as the first message.
            Object opened = browser.eval("new Promise(r => { window.got = []; const ws = new WebSocket('" + url
                    + "', ['clnrest-notifications', '" + rune + "']); ws.onmessage = e => window.got.push(e.data);"
                    + " ws.onopen = () => r('open ' + ws.protocol); ws.onclose = e => r('closed ' + e.code + ' ' + e.reason); })");
            assertEquals("open clnrest-notifications", opened);
            Object second = browser.eval("new Promise(r => { window.got2 = []; const ws = new WebSocket('" + url + "');"
                    + " ws.onmessage = e => window.got2.push(e.data); ws.onopen = () => { ws.send('" + rune + "'); r('open'); }; })");
            assertEquals("open", second);
            Object refused = browser.eval("new Promise(r => { const ws = new WebSocket('" + url + "');"
                    + " ws.onopen = () => ws.send('" + forbidding + "'); ws.onclose = e => r(e.code + ' ' + e.reason); })");
            assertEquals("4403 Not permitted: method is equal to listclnrest-notifications", refused);
            // Success is silent: notifications are sent until both pages' sockets have one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int k = 0;
            while (true) {
                assertTrue(System.nanoTime() < deadline, "the browser's WebSockets got nothing");
                NodeInternals.notifyPlugins(h.node, "browser_test", new JsonObject().put("k", k++));
                try {
                    browser.await("window.got.length >= 1 && window.got2.length >= 1", Duration.ofMillis(1500));
                    break;
                } catch (AssertionError notYet) {
                    // not authorised yet when that one was broadcast: send another
                }
            }
            assertTrue(((String) browser.eval("window.got[0]")).startsWith("{\"browser_test\":{\"k\":"));
            assertTrue(((String) browser.eval("window.got2[0]")).startsWith("{\"browser_test\":{\"k\":"));
        } finally {
            vertx.close().await();
        }
    }
}
