package org.clnrest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A stranger's flood of bare TCP connections that send nothing (no TLS hello, no HTTP byte), from 8 source addresses
 * (127.0.0.10-17), and what the server did with them. Observed by order, not by time: when a server caps connections
 * from their accept, those past the cap are closed at once while the first wait for their deadline; without the cap,
 * every one waits for its deadline (or forever), so the first are closed first.
 */
public final class BareConnections implements AutoCloseable {
    public final List<SocketChannel> all = new ArrayList<>();

    /** {@code n} connections to 127.0.0.1:{@code port}, in order. */
    public static BareConnections open(int port, int n) throws IOException {
        BareConnections b = new BareConnections();
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open();
                b.all.add(c);
                c.bind(new InetSocketAddress("127.0.0." + (10 + i % 8), 0));
                c.connect(new InetSocketAddress("127.0.0.1", port));
                c.configureBlocking(false);
            }
        } catch (IOException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /**
     * Asserts the server's cap: once it has closed every connection from {@code pastCap} on, the first {@code first} are
     * still open (waiting for their deadline); then they too are closed, within {@code deadline}.
     */
    public void assertCappedFromTheAccept(int pastCap, int first, Duration deadline) throws InterruptedException {
        awaitClosed(all.subList(pastCap, all.size()), deadline);
        assertEquals(first, all.subList(0, first).stream().filter(c -> !closed(c)).count(),
                "when the connections past the cap are closed, the first " + first
                        + " still wait for their deadline (without a cap they are closed first, at it, or never)");
        awaitClosed(all.subList(0, first), deadline);
    }

    private static void awaitClosed(List<SocketChannel> channels, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (channels.stream().anyMatch(c -> !closed(c))) {
            assertTrue(System.nanoTime() < until, "connections closed by the server within " + within.toSeconds() + " s");
            Thread.sleep(20); // polled from outside the server: no event to wait on
        }
    }

    /** Whether the server closed the connection (end of stream or reset); a bare connection is sent nothing else. */
    public static boolean closed(SocketChannel c) {
        try {
            return c.read(ByteBuffer.allocate(64)) < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel c : all) {
            c.close();
        }
    }
}
