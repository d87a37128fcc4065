package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;

import javax.net.ssl.SSLSocket;

import io.vertx.core.json.JsonObject;

import org.clnrest.demo.NodeInternals;
import org.clnrest.support.Harness;
import org.clnrest.metrics.MetricsIT;
import org.clnrest.notify.RawClient;
import org.clnrest.notify.SlowClientIT;

/**
 * Issue 22's memory family, each an attack on the plugin {@code h} that {@link HostileClientIT} runs beside its
 * getinfo prober: what a client that does not read makes the plugin keep, in its queues and in netty's outbound
 * buffers (direct memory, TLS records included), read from the plugin's own metrics ({@code metricsPort}).
 */
final class MemoryAttacks {
    static final long MIB = 1024 * 1024;
    /** clnrest-notification-buffer-total's default. */
    static final long TOTAL = 64 * MIB;
    /** The node's invoices: listinvoices is then about 4 MB. */
    static final int SEEDED_INVOICES = 10_000;

    private MemoryAttacks() {}

    /**
     * 50 authorised Socket.IO WebSocket clients over TLS with 4 KiB receive buffers stop reading, and 15 MB of
     * notifications (60 of 256 KiB) come in one go. The global cap drops the clients holding the most; what the
     * others hold stays within it, and netty's direct memory within a few MiB a client; a client that reads gets
     * what comes next. Before the fix (issue 22, item 4) the whole batch went into netty in one turn, TLS encrypted
     * it into direct memory, dropped clients kept theirs behind a close frame they never read, and the event loop
     * slept in the JDK's direct-memory allocator: getinfo got no answer in 10 s, and the plugin had to be killed.
     */
    static void stalledTlsClients(Harness h, String good, int metricsPort) throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        List<SSLSocket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                stuck.add(SlowClientIT.connectAndStopReading(h, good));
            }
            awaitMetric(plain, metricsPort, "clnrest_socketio_clients", v -> v >= 50);
            double directBefore = metric(plain, metricsPort, "clnrest_netty_direct_memory_used_bytes");
            String pad = "x".repeat(256 * 1024);
            for (int n = 0; n < 60; n++) {
                NodeInternals.notifyPlugins(h.node, "stall_test", new JsonObject().put("n", n).put("pad", pad));
            }
            String line = h.node.awaitLog(l -> l.contains("clnrest-notification-buffer-total"), Duration.ofSeconds(30));
            // Settled: nothing more is dropped, and what the survivors hold is within the global cap.
            double buffered = awaitMetric(plain, metricsPort, "clnrest_socketio_buffered_bytes", v -> v > 0 && v <= TOTAL);
            double clients = metric(plain, metricsPort, "clnrest_socketio_clients");
            double direct = metric(plain, metricsPort, "clnrest_netty_direct_memory_used_bytes");
            System.out.println("stalled TLS clients: " + (int) clients + " of 50 kept, " + (long) buffered / MIB + " MiB held; netty direct "
                    + (long) directBefore / MIB + " -> " + (long) direct / MIB + " MiB (the JDK's own direct buffers: "
                    + (long) MetricsIT.sample(MetricsIT.scrape(plain, metricsPort), "jvm_buffer_memory_used_bytes", "id=\"direct\"") / 1024
                    + " KiB); RSS " + HostileClientIT.rssMiB() + " MiB; " + line);
            assertTrue(clients >= 1 && clients < 50, "the global cap dropped the biggest holders: " + clients + " kept");
            assertTrue(direct - directBefore < 64 * MIB, "netty's direct memory: " + directBefore + " -> " + direct);
            getinfoFast(h, good);
            // A client that reads gets what comes next, beside the stalled clients that are left.
            RawClient.Ws reader = new RawClient(h).wsAt("/socket.io/?EIO=4&transport=websocket", Map.of("rune", good));
            assertTrue(reader.nextNotPing(Duration.ofSeconds(10)).startsWith("0{"));
            reader.send("40");
            assertTrue(reader.nextNotPing(Duration.ofSeconds(10)).startsWith("40{"));
            NodeInternals.notifyPlugins(h.node, "stall_after", new JsonObject().put("ok", true));
            assertTrue(reader.awaitPrefix("42[\"message\",{\"stall_after\"", Duration.ofSeconds(10)).contains("\"ok\":true"));
        } finally {
            for (SSLSocket s : stuck) {
                s.close();
            }
        }
        // Their connections gone, nothing they held is kept.
        assertEquals(0, awaitMetric(plain, metricsPort, "clnrest_socketio_buffered_bytes", v -> v == 0));
        assertTrue(NodeInternals.pluginProcesses(h.node).get(0).isAlive());
    }

    /**
     * 30 TLS clients with 4 KiB receive buffers ask for a 4 MB reply in YAML (listinvoices of the node's 10,000
     * seeded invoices, rendered whole) and read only its head. Each connection holds one 256 KiB slice (and its TLS
     * records) at a time; a client that reads gets it whole. Before the fix the whole reply went into netty at once:
     * netty's direct memory grew by 45 MiB (TLS-encrypted replies nobody read, the kernel's socket buffers holding the rest) and the prober's getinfo took 1.3 s.
     */
    static void largeRepliesNobodyReads(Harness h, String good, int metricsPort) throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        double before = metric(plain, metricsPort, "clnrest_netty_direct_memory_used_bytes");
        String request = "POST /v1/listinvoices HTTP/1.1\r\nHost: x\r\nRune: " + good + "\r\nAccept: application/yaml\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n";
        List<SSLSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                SSLSocket s = (SSLSocket) HostileClientIT.tls.getSocketFactory().createSocket();
                sockets.add(s);
                s.setReceiveBufferSize(4096);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", h.port), 10_000);
                s.setSoTimeout(60_000);
                s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            for (SSLSocket s : sockets) {
                byte[] head = s.getInputStream().readNBytes(12); // the answer has begun; the rest stays unread
                assertEquals("HTTP/1.1 201", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
            }
            double held = metric(plain, metricsPort, "clnrest_netty_direct_memory_used_bytes");
            System.out.println("large replies nobody reads: netty direct " + (long) before / MIB + " -> " + (long) held / MIB
                    + " MiB with 30 replies of 4 MB waiting; RSS " + HostileClientIT.rssMiB() + " MiB");
            assertTrue(held - before < 16 * MIB, "netty's direct memory grew from " + before + " to " + held);
            getinfoFast(h, good);
            String whole = HostileClientIT.readAll(sockets.get(0));
            assertTrue(whole.length() > 4_000_000 && whole.contains("seed-9999"), "a reader gets the reply whole: " + whole.length());
        } finally {
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Memory after load (issue 22, low): 30 clients take the 4 MB YAML reply, three at a time (each rendered whole in the heap),
     * then RSS must come back within 64 MiB of what it was at rest ({@code restingMiB}, after the suite's first calls)
     * within 60 s, while the prober goes on calling. Before: the serial GC never gave the grown heap back, RSS
     * stayed at 270 MiB (271 just after the load, 104 at rest).
     */
    static void memoryIsGivenBackAfterAFlood(Harness h, String good, long restingMiB) throws Exception {
        String request = "POST /v1/listinvoices HTTP/1.1\r\nHost: x\r\nRune: " + good + "\r\nAccept: application/yaml\r\n"
                + "Connection: close\r\nContent-Length: 0\r\n\r\n";
        // Three at a time: the plugin renders on its worker threads, and more at once would starve the event loop of
        // a loaded two-core machine's CPU (the prober's calls would wait for CPU, not for memory).
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                replies.add(pool.submit(() -> HostileClientIT.raw(request)));
            }
            for (java.util.concurrent.Future<String> r : replies) {
                assertTrue(r.get(120, java.util.concurrent.TimeUnit.SECONDS).startsWith("HTTP/1.1 201"));
            }
        } finally {
            pool.shutdownNow();
        }
        long peak = HostileClientIT.rssMiB();
        long t0 = System.nanoTime();
        long rss;
        while ((rss = HostileClientIT.rssMiB()) > restingMiB + 64) {
            assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "RSS still " + rss + " MiB 60 s after the load (resting "
                    + restingMiB + " MiB, " + peak + " MiB just after it)");
            Thread.sleep(500); // polling /proc: the kernel tells nobody when pages go back
        }
        System.out.println("memory given back: RSS resting " + restingMiB + " MiB, " + peak + " MiB after the flood, " + rss
                + " MiB " + (System.nanoTime() - t0) / 1_000_000_000L + " s later");
    }

    static double metric(HttpClient c, int port, String name) throws Exception {
        return MetricsIT.sample(MetricsIT.scrape(c, port), name);
    }

    /** Scrape until {@code name} satisfies {@code until} (within 30 s): the value, or fails with the last one. */
    static double awaitMetric(HttpClient c, int port, String name, DoublePredicate until) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        double v;
        while (!until.test(v = metric(c, port, name))) {
            assertTrue(System.nanoTime() < deadline, name + " stayed at " + v);
            Thread.sleep(200); // polling the scrape endpoint: the metric has no event to await
        }
        return v;
    }

    /** A REST getinfo with a good rune answers 201 within a second. */
    static void getinfoFast(Harness h, String rune) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = HostileClientIT.http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.port + "/v1/getinfo"))
                .timeout(Duration.ofSeconds(10)).header("Rune", rune).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(ms < 1000, "getinfo took " + ms + " ms");
    }
}
