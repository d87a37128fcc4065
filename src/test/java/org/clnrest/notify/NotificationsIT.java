package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.ClientProcess;
import org.clnrest.support.SocketIoClients;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Notifications to real Socket.IO clients, the npm socket.io-client (run by node) and Debian's
 * python3-socketio, over https with the generated CA, on both transports.
 */
class NotificationsIT {
    static Harness h;
    static Vertx vertx;
    static WebClient web;
    static String rune;
    static int labels;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start();
        vertx = Vertx.vertx();
        web = h.client(vertx);
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await();
        h.close();
    }

    static Stream<Arguments> clients() {
        return Stream.of(
                Arguments.of("node", "polling", "/"), Arguments.of("node", "websocket", "/"),
                Arguments.of("node", "both", "/ws"),
                Arguments.of("python", "polling", "/"), Arguments.of("python", "websocket", "/ws"));
    }

    static ClientProcess client(String kind, String transport, String namespace, String rune) throws Exception {
        return SocketIoClients.start(h, kind, transport, namespace, rune);
    }

    static synchronized String invoice(long msat) throws Exception {
        String label = "n-" + (++labels) + "-" + System.nanoTime();
        var r = web.post("/v1/invoice").putHeader("Rune", rune).sendJsonObject(new JsonObject()
                .put("amount_msat", msat).put("label", label).put("description", "notify"))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(201, r.statusCode(), r.bodyAsString());
        return label;
    }

    @ParameterizedTest(name = "{0} client over {1} on namespace {2}")
    @MethodSource("clients")
    void authorisedClientsReceiveInvoiceCreation(String kind, String transport, String namespace) throws Exception {
        try (ClientProcess c = client(kind, transport, namespace, rune)) {
            c.await("connect", Duration.ofSeconds(20));
            // Python's ints are exact: past 2^53 the server's integer must arrive unrounded. JavaScript's JSON.parse
            // rounds past 2^53 whatever the server sends, so the node client gets an integer of 2^42 scale.
            long msat = kind.equals("python") ? (1L << 60) + 7 : (1L << 42) + 7;
            String label = invoice(msat);
            JsonObject msg = c.await(e -> "message".equals(e.getString("event"))
                    && e.getJsonObject("data").containsKey("invoice_creation")
                    && label.equals(e.getJsonObject("data").getJsonObject("invoice_creation").getString("label")), Duration.ofSeconds(10));
            Object amount = msg.getJsonObject("data").getJsonObject("invoice_creation").getValue("msat");
            assertEquals(msat, ((Number) amount).longValue(), "msat arrives as an exact integer: " + msg);
        }
    }

    static Stream<Arguments> refusals() throws Exception {
        return Stream.of("node", "python").flatMap(kind -> Stream.of(
                Arguments.of(kind, "missing", "Not authorized: Missing rune"),
                Arguments.of(kind, "forbidding", "Not permitted: method is equal to listclnrest-notifications"),
                Arguments.of(kind, "foreign", "Not authorized: Not derived from master")));
    }

    @ParameterizedTest(name = "{0} client with a {1} rune is refused")
    @MethodSource("refusals")
    void refusedClientsGetConnectErrorWithLightningdsMessage(String kind, String which, String message) throws Exception {
        String r = switch (which) {
            case "missing" -> null;
            case "forbidding" -> h.node.createRune(new JsonArray().add("method/listclnrest-notifications"));
            default -> Harness.forged(rune);
        };
        try (ClientProcess c = client(kind, "polling", "/", r)) {
            JsonObject e = c.await(ev -> !"disconnect".equals(ev.getString("event")), Duration.ofSeconds(20));
            assertEquals("connect_error", e.getString("event"), e.encode());
            assertEquals(message, e.getString("message"));
        }
        h.node.awaitLog("Error code", Duration.ofSeconds(5));
    }
}
