package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.ClientProcess;
import org.clnrest.support.SocketIoClients;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Socket.IO with clnrest-protocol=http (the issue reports reproduced their bugs on http too): the npm client with
 * its defaults opens over polling, upgrades to WebSocket and receives a notification there; and the upgrade
 * probe answers the pending long-poll at once (SocketIoBugsIT's check, over http).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketIoOverHttpIT {
    static Harness h;
    static RawClient raw;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-protocol", "http"));
        assertEquals("http", h.protocol, "the plugin serves plain http");
        raw = new RawClient(h);
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void npmClientOpensOnPollingUpgradesToWebSocketAndReceivesANotification() throws Exception {
        try (ClientProcess c = SocketIoClients.start(h, "node", "both", "/", rune)) {
            // The upgrade may finish before or after the namespace's connect (its checkrune): wait for both, in any order.
            JsonObject upgrade = null;
            boolean connected = false;
            while (upgrade == null || !connected) {
                JsonObject e = c.await(ev -> "upgrade".equals(ev.getString("event")) || "connect".equals(ev.getString("event")),
                        Duration.ofSeconds(20));
                if (e.getString("event").equals("upgrade")) {
                    upgrade = e;
                } else {
                    connected = true;
                }
            }
            assertEquals("polling", upgrade.getString("from"), "opened over polling");
            assertEquals("websocket", upgrade.getString("transport"), "then upgraded");

            NodeInternals.notifyPlugins(h.node, "http_test", new JsonObject().put("n", 7));
            JsonObject m = c.await(e -> "message".equals(e.getString("event")) && e.getJsonObject("data").containsKey("http_test"),
                    Duration.ofSeconds(10));
            assertEquals(7, m.getJsonObject("data").getJsonObject("http_test").getInteger("n"));
            assertEquals("websocket", m.getString("transport"), "received on the WebSocket");
        }
    }

    @Test
    void probeAnswersThePendingPollWithNoopOverHttp() throws Exception {
        SocketIoBugsIT.probeAnswersThePendingPollWithNoop(raw);
    }
}
