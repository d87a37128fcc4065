package org.clnrest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

import org.clnrest.Harness;
import org.junit.jupiter.api.Test;

/**
 * Prometheus metrics as Prometheus sees them: an HTTP scrape of the metrics port after real traffic (REST calls
 * allowed and refused, a notification, a WebSocket client). And with the option unset, nothing of Micrometer
 * is even loaded (the JVM's class-loading log says so).
 */
class MetricsIT {

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}, or -1 when none. */
    static double sample(String scrape, String name, String... labels) {
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

    static String scrape(HttpClient c, int port) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** Scrape until {@code name} reaches {@code min} (within 15 s): for what arrives on its own time. */
    static double awaitSample(HttpClient c, int port, String name, double min) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        double v = sample(scrape(c, port), name);
        while (v < min && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling the scrape endpoint: the metric has no event to await
            v = sample(scrape(c, port), name);
        }
        return v;
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
            assertTrue(sample(s, "clnrest_rpc_seconds_bucket", "method=\"getinfo\"", "le=\"0.001\"") >= 0, "RPC latency histogram");
            assertEquals(0.0, sample(s, "clnrest_rpc_in_flight"));
            assertTrue(sample(s, "vertx_http_server_requests_total", "code=\"201\"", "method=\"POST\"") >= 3, s);
            assertEquals(1.0, sample(s, "vertx_http_server_active_ws_connections"), "the WebSocket client");
            // The notification comes over stdin, the invoice's reply over the RPC socket: either may be first.
            assertTrue(awaitSample(plain, metricsPort, "clnrest_notifications_received_total", 1) >= 1, "invoice_creation");
            assertTrue(awaitSample(plain, metricsPort, "clnrest_notifications_broadcast_total", 1) >= 1, "batched within a second");
            ws.writeTextMessage("40"); // CONNECT to "/": the client passes the rune check and counts as connected
            assertEquals(1.0, awaitSample(plain, metricsPort, "clnrest_socketio_clients", 1), "the Socket.IO client, once connected");
            assertTrue(sample(s, "clnrest_socketio_dropped_total") == 0 && sample(s, "clnrest_socketio_buffered_bytes") >= 0, s);
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
