package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.clnrest.support.Harness;
import org.clnrest.support.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connection cap (issue 22), at and past it, with {@code clnrest-max-connections=32}: strangers (connections
 * that made no authorised call) compete among themselves, the oldest closed for a new one; connections that made an
 * authorised call are never closed for anyone, and once all 32 have, a new connection is closed at once.
 */
class ConnectionCapIT {
    static final int CAP = 32;
    static Harness h;
    static SSLContext tls;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-max-connections", CAP));
        tls = h.trust();
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void strangersAreEvictedForNewcomersAndAuthorisedConnectionsAreKept() throws Exception {
        List<SSLSocket> strangers = new ArrayList<>();
        List<SSLSocket> trusted = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) { // at the cap: all strangers, from four addresses
                strangers.add(open("127.0.0." + (2 + i % 4)));
            }
            // Past it: each authorised newcomer closes the oldest stranger, in order.
            for (int i = 0; i < CAP; i++) {
                SSLSocket s = open("127.0.0.1");
                trusted.add(s);
                assertEquals(201, call(s, rune), "an authorised newcomer at the cap is served");
                assertTrue(closedWithin(strangers.get(i), 5_000), "the oldest stranger, #" + i + ", was closed for it");
            }
            // All authorised: a newcomer is closed at once, and nobody else is touched.
            assertTrue(closedAtOnce("127.0.0.2"), "past the cap with every connection authorised, the newcomer is closed");
            h.node.awaitLog(l -> l.contains("connections are open, all of them authorised"), Duration.ofSeconds(10));
            for (SSLSocket s : trusted) {
                assertEquals(201, call(s, rune), "authorised connections keep working at the cap");
            }
            // One freed place is used again.
            trusted.remove(0).close();
            SSLSocket again = awaitServed();
            trusted.add(again);
        } finally {
            for (SSLSocket s : strangers) {
                s.close();
            }
            for (SSLSocket s : trusted) {
                s.close();
            }
        }
    }

    private SSLSocket awaitServed() throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            SSLSocket s = null;
            try {
                s = open("127.0.0.1");
                if (call(s, rune) == 201) {
                    return s;
                }
            } catch (IOException closedAtOnce) {
                // the server had not yet seen the freed connection's close: try again
            }
            if (s != null) {
                s.close();
            }
            assertTrue(System.nanoTime() < until, "a freed place is used again");
        }
    }

    /** A new connection is closed at once: in its TLS handshake (the guard refuses it at the accept) or right after. */
    private static boolean closedAtOnce(String from) throws IOException {
        try (SSLSocket late = open(from)) {
            return closedWithin(late, 5_000);
        } catch (IOException refusedInTheHandshake) { // closed at the accept: the handshake fails or is reset
            return true;
        }
    }

    private static SSLSocket open(String from) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", h.port), 10_000);
        s.startHandshake();
        s.setSoTimeout(10_000);
        return s;
    }

    /** POST /v1/getinfo on a kept-alive connection: the status. */
    private static int call(SSLSocket s, String rune) throws IOException {
        // Not closed here: the connection is kept alive for the next call.
        return new RawHttp(s).write("POST /v1/getinfo HTTP/1.1\r\nHost: x\r\nRune: " + rune + "\r\nContent-Length: 0\r\n\r\n").read().status();
    }

    private static boolean closedWithin(SSLSocket s, int ms) throws IOException {
        s.setSoTimeout(ms);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
