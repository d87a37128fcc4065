package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.ClientProcess;
import org.clnrest.support.SocketIoClients;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A notification another plugin emits reaches clients exactly as lightningd delivered it (issue 24, item 9):
 * upstream emits a notification's params as they are, so a client of upstream's CLNRest gets pay's
 * {@code {"origin", "payload", "pay_failure"}} object unchanged, not wrapped again under its topic. The second
 * plugin (src/test/plugins/dynpaths.py) declares {@code pay_failure} in its manifest and emits it when its
 * {@code dyn-emit} method is called; the simulated lightningd forwards it to clnrest as lightningd does.
 */
class OtherPluginNotificationsIT {
    /** What the pay plugin sends on a failed payment: the deprecated origin and payload beside the topic's field. */
    static final JsonObject FAILURE = new JsonObject()
            .put("payment_hash", "f5a6a059a25d1e329d9b094aeeec8c2191ca037d3f5b0662e21ae850debe8ea2")
            .put("bolt11", "lnbcrt10n1pjexample")
            .put("error", new JsonObject().put("code", 210).put("message", "Ran out of routes to try after 3 attempts: see `paystatus`"));
    static final JsonObject PARAMS = new JsonObject().put("origin", "pay").put("payload", FAILURE).put("pay_failure", FAILURE);

    static Harness h;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        Path script = Path.of("src", "test", "plugins", "dynpaths.py").toAbsolutePath();
        h = Harness.start(b -> b.plugin(List.of(script.toString())).env("DYNPATHS_REGISTER", "[]"));
        h.node.awaitLog("dynpaths: registrations done", Duration.ofSeconds(30));
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    static void emit(JsonObject params) throws Exception {
        JsonObject reply = h.node.call("dyn-emit", params);
        assertEquals(new JsonObject(), reply.getJsonObject("result"), reply.encode());
    }

    @Test
    void socketIoClientGetsTheParamsUnchanged() throws Exception {
        try (ClientProcess c = SocketIoClients.start(h, "node", "websocket", "/", rune)) {
            c.await("connect", Duration.ofSeconds(20));
            emit(PARAMS);
            JsonObject msg = c.await(e -> "message".equals(e.getString("event")) && !e.getJsonObject("data").containsKey("probe"),
                    Duration.ofSeconds(10));
            assertEquals(PARAMS, msg.getJsonObject("data"), msg.encode());
        }
    }

    @Test
    void plainWebSocketGetsTheParamsByteForByte() throws Exception {
        RawClient.Ws ws = new RawClient(h).wsAt("/v1/notifications", Map.of("Rune", rune));
        PlainWebSocketIT.awaitAuthorised(h, ws);
        emit(PARAMS);
        assertEquals(PARAMS.encode(), ws.next(Duration.ofSeconds(10)));
    }

    @Test
    void anUndeclaredTopicIsNotForwarded() throws Exception {
        RawClient.Ws ws = new RawClient(h).wsAt("/v1/notifications", Map.of("Rune", rune));
        PlainWebSocketIT.awaitAuthorised(h, ws);
        // lightningd drops what a plugin emits under a topic its manifest does not declare, and says so.
        assertEquals(new JsonObject(), h.node.call("dyn-emit-undeclared", new JsonObject()).getJsonObject("result"));
        h.node.awaitLog("it hasn't declared in its manifest, not forwarding to subscribers", Duration.ofSeconds(10));
        emit(PARAMS);
        assertEquals(PARAMS.encode(), ws.next(Duration.ofSeconds(10)), "the undeclared topic never arrived, the next one did");
    }
}
