package org.clnrest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

import javax.net.ssl.SSLSocket;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

import org.clnrest.support.BareConnections;
import org.clnrest.support.Harness;
import org.clnrest.notify.RawClient;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/**
 * Prometheus metrics as Prometheus sees them: an HTTP scrape of the metrics port after real traffic (REST calls
 * allowed and refused, a notification, a WebSocket client). And with the option unset, nothing of Micrometer
 * is even loaded (the JVM's class-loading log says so).
 */
public class MetricsIT {

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}, or -1 when none. */
    public static double sample(String scrape, String name, String... labels) {
        double sum = -1;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String head = line.substring(0, line.lastIndexOf(' '));
            if (List.of(labels).stream().allMatch(head::contains)) {
                sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public static String scrape(HttpClient c, int port) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** Scrape until {@code name} reaches {@code min} (within 15 s): for what arrives on its own time. */
    static double awaitSample(HttpClient c, int port, String name, double min) throws Exception {
        return awaitSample(c, port, name, v -> v >= min);
    }

    /** Scrape until {@code name}'s value satisfies {@code until} (within 15 s); the last value read. */
    static double awaitSample(HttpClient c, int port, String name, DoublePredicate until) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        double v = sample(scrape(c, port), name);
        while (!until.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling the scrape endpoint: the metric has no event to await
            v = sample(scrape(c, port), name);
        }
        return v;
    }

    /**
     * The metrics port has no authorisation: every client is a stranger. Its connections are capped from their accept
     * ({@link MetricsVerticle#MAX_CONNECTIONS}), and a silent one is closed at the hello's deadline: of 200 bare
     * connections, those past the cap are closed at once while the first wait for it (before, none was ever closed);
     * a scrape is served afterwards.
     */
    @Test
    void strangersConnectionsToTheMetricsPortAreCappedFromTheirAccept() throws Exception {
        int metricsPort = Harness.freePort();
        try (Harness h = Harness.start(b -> b.option("clnrest-metrics-port", metricsPort))) {
            h.node.awaitLog("Metrics at", Duration.ofSeconds(30));
            try (BareConnections bare = BareConnections.open(metricsPort, 200)) {
                bare.assertCappedFromTheAccept(MetricsVerticle.MAX_CONNECTIONS, 50, Duration.ofSeconds(30));
            }
            assertTrue(scrape(HttpClient.newHttpClient(), metricsPort).contains("clnrest_"), "a scrape is served afterwards");
        }
    }

    @Test
    void aScrapeAfterRealTraffic() throws Exception {
        int metricsPort = Harness.freePort();
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(b -> b.option("clnrest-metrics-port", metricsPort))) {
            HttpClient https = h.jdkClient();
            HttpClient plain = HttpClient.newHttpClient();
            String rune = h.node.createRune(null);
            assertEquals(201, h.send(https, "POST", "/v1/getinfo", rune, null).statusCode());
            assertEquals(201, h.send(https, "POST", "/v1/getinfo", rune, null).statusCode());
            assertEquals(403, h.send(https, "POST", "/v1/getinfo", null, null).statusCode());
            assertEquals(401, h.send(https, "POST", "/v1/getinfo", Harness.forged(rune), null).statusCode());
            assertEquals(404, h.send(https, "POST", "/v1/nosuchthing", rune, null).statusCode());
            assertEquals(201, h.send(https, "POST", "/v1/invoice", rune,
                    "{\"amount_msat\":1000,\"label\":\"m1\",\"description\":\"d\"}").statusCode());
            WebSocket ws = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
                            .setTrustOptions(new PemTrustOptions().addCertPath(h.node.networkDir().resolve("ca.pem").toString())))
                    .connect(new WebSocketConnectOptions().setHost("localhost").setPort(h.port)
                            .setURI("/socket.io/?EIO=4&transport=websocket").addHeader("rune", rune))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            String s = scrape(plain, metricsPort);
            assertEquals(2.0, sample(s, "clnrest_requests_seconds_count", "method=\"getinfo\"", "status=\"201\""), s);
            assertEquals(2.0, sample(s, "clnrest_requests_seconds_count", "method=\"-\"", "status=\"40"), "403 and 401 never reached lightningd");
            assertEquals(1.0, sample(s, "clnrest_requests_seconds_count", "method=\"unknown\"", "status=\"404\""), "a bounded label for unknown commands");
            assertEquals(1.0, sample(s, "clnrest_requests_seconds_bucket", "method=\"invoice\"", "le=\"10.0\""), "latency histogram");
            assertTrue(sample(s, "clnrest_checkrune_seconds_count", "outcome=\"allowed\"") >= 4, s);
            assertEquals(1.0, sample(s, "clnrest_checkrune_seconds_count", "outcome=\"refused\""));
            assertEquals(2.0, sample(s, "clnrest_rpc_seconds_count", "method=\"getinfo\"", "outcome=\"result\""));
            assertEquals(2.0, sample(s, "clnrest_rpc_seconds_bucket", "method=\"getinfo\"", "outcome=\"result\"", "le=\"10.0\""),
                    "RPC latency histogram: both getinfo calls in the 10 s bucket");
            assertEquals(0.0, sample(s, "clnrest_rpc_in_flight"));
            assertTrue(sample(s, "vertx_http_server_requests_total", "code=\"201\"", "method=\"POST\"") >= 3, s);
            assertEquals(1.0, sample(s, "vertx_http_server_active_ws_connections"), "the WebSocket client");
            // The notification comes over stdin, the invoice's reply over the RPC socket: either may be first.
            assertTrue(awaitSample(plain, metricsPort, "clnrest_notifications_received_total", 1) >= 1, "invoice_creation");
            assertTrue(awaitSample(plain, metricsPort, "clnrest_notifications_broadcast_total", 1) >= 1, "batched within a second");
            ws.writeTextMessage("40"); // CONNECT to "/": the client passes the rune check and counts as connected
            assertEquals(1.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", 1), "the Socket.IO client, once connected");
            assertTrue(sample(s, "jvm_memory_used_bytes") > 0);
            assertFalse(s.contains(rune), "no rune in the metrics");

            ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(405, plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(h.node.log().stream().anyMatch(l -> l.contains("Metrics at http://127.0.0.1:" + metricsPort + "/metrics")));
        } finally {
            vertx.close();
        }
    }

    static final int BUFFER = 1 << 20;
    static final int PAD = 16 * 1024;
    static final int PER_STEP = 32;

    /**
     * The notification side's metrics for both kinds of client: a Socket.IO client and two plain WebSocket clients
     * on /v1/notifications are counted as they connect; one of the plain ones stops reading, holds bytes in the
     * plugin (buffered bytes above 0) until it passes clnrest-notification-buffer, and is dropped (the counter
     * says 1, the gauge goes back to 2), after which nothing stays buffered.
     */
    @Test
    void notificationClientsOfBothKindsAreCountedAndOneThatStopsReadingIsDropped() throws Exception {
        int metricsPort = Harness.freePort();
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(b -> b.option("clnrest-metrics-port", metricsPort).option("clnrest-notification-buffer", BUFFER))) {
            HttpClient plain = HttpClient.newHttpClient();
            String rune = h.node.createRune(null);
            Path ca = h.node.networkDir().resolve("ca.pem");
            String first = scrape(plain, metricsPort);
            assertEquals(0.0, sample(first, "clnrest_socketio_clients"), first);
            assertEquals(0.0, sample(first, "clnrest_socketio_dropped_total"), first);
            assertEquals(0.0, sample(first, "clnrest_socketio_buffered_bytes"), first);
            assertTrue(first.contains("# HELP clnrest_socketio_clients Notification clients (Socket.IO and plain WebSocket)"), first);

            WebSocket socketIo = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
                            .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())))
                    .connect(new WebSocketConnectOptions().setHost("localhost").setPort(h.port)
                            .setURI("/socket.io/?EIO=4&transport=websocket").addHeader("rune", rune))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            socketIo.textMessageHandler(m -> {
                if (m.equals("2")) {
                    socketIo.writeTextMessage("3"); // Engine.IO pong: a live client
                }
            });
            socketIo.writeTextMessage("40");
            assertEquals(1.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", 1), "the Socket.IO client");

            RawClient.Ws reader = new RawClient(h).wsAt("/v1/notifications", Map.of("Rune", rune));
            assertEquals(2.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", 2), "and a plain WebSocket client");

            try (SSLSocket stuck = plainClientThatNeverReads(h, rune)) {
                assertEquals(3.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", 3), "and a second one");
                // Steps of 512 KiB: the stuck client's socket buffers fill up, then the plugin holds what it cannot
                // write (less than one step at first, so at least one scrape sees it below the 1 MiB cap), then drops it.
                String pad = "x".repeat(PAD);
                double held = 0;
                double dropped = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int step = 0;
                for (; dropped == 0; step++) {
                    assertTrue(System.nanoTime() < deadline, "not dropped within 60 s (" + step + " steps)");
                    for (int i = 0; i < PER_STEP; i++) {
                        NodeInternals.notifyPlugins(h.node, "metrics_pad", new JsonObject().put("step", step).put("i", i).put("pad", pad));
                    }
                    reader.awaitPrefix("{\"metrics_pad\":{\"step\":" + step + ",\"i\":" + (PER_STEP - 1) + ",", Duration.ofSeconds(30));
                    String s = scrape(plain, metricsPort);
                    dropped = sample(s, "clnrest_socketio_dropped_total");
                    if (dropped == 0) {
                        held = Math.max(held, sample(s, "clnrest_socketio_buffered_bytes"));
                    }
                }
                System.out.println("a WebSocket client that stopped reading: dropped after " + step + " steps of " + PER_STEP * PAD / 1024
                        + " KiB, up to " + (long) held + " bytes buffered before");
                assertTrue(held > 0, "bytes were held for the client that stopped reading before it was dropped");
                assertEquals(1.0, dropped, "the client that stopped reading, and only it");
                String line = h.node.awaitLog("Disconnected a notification WebSocket client that stopped reading", Duration.ofSeconds(10));
                assertTrue(line.contains("clnrest-notification-buffer is " + BUFFER), line);
                assertEquals(2.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", v -> v == 2), "the two that read stay");
                assertEquals(0.0, awaitSample(plain, metricsPort, "clnrest_socketio_buffered_bytes", v -> v == 0),
                        "the dropped client's bytes are released, the readers have everything");
                assertEquals(1.0, sample(scrape(plain, metricsPort), "clnrest_socketio_dropped_total"));
            }
        } finally {
            vertx.close();
        }
    }

    /** A WebSocket client of /v1/notifications over TLS with a tiny receive buffer that reads the 101 and nothing more. */
    static SSLSocket plainClientThatNeverReads(Harness h, String rune) throws Exception {
        SSLSocket s = h.tlsSocket(4096, Duration.ofSeconds(30));
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        s.getOutputStream().write(("GET /v1/notifications HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nRune: " + rune + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            assertTrue(c >= 0, "closed: " + head);
            head.write(c);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString(StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void offByDefaultAndNothingOfMicrometerLoaded() throws Exception {
        Path classLog = Files.createTempFile("clnrest-classes", ".log");
        try (Harness h = Harness.start(b -> b.env("CLNREST_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog))) {
            assertEquals(201, h.send(h.jdkClient(), "POST", "/v1/getinfo", h.node.createRune(null), null).statusCode());
            String classes = Files.readString(classLog);
            assertTrue(classes.contains("org.clnrest.metrics.LazyMetrics"), "the SPI is plugged in");
            assertFalse(classes.contains("io.micrometer"), "Micrometer is not loaded");
            assertFalse(classes.contains("io.prometheus"), "nor Prometheus");
            assertFalse(classes.contains("org.clnrest.metrics.MicrometerStats"));
            assertFalse(h.node.log().stream().anyMatch(l -> l.contains("Metrics at")));
        } finally {
            Files.deleteIfExists(classLog);
        }
    }
}
