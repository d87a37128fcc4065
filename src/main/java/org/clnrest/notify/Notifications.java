package org.clnrest.notify;

import org.clnrest.util.RateLimitedLog;
import java.util.Map;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.metrics.NotificationStats;
import org.clnrest.auth.RuneCheck;
import org.clnrest.bus.Bus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification transports on the REST server, wired by the HTTP side: {@link #serverOptions} (WebSocket
 * limits), {@link #create} and {@link #routes} (the paths it mounts; notify knows nothing of the REST router's
 * order), and {@link #broadcast}, fed from {@link Bus#NOTIFICATION_BATCH}. Every transport
 * shares one {@link NotificationBudget} (per client and in total), one {@link RuneWatch} (runes checked again every
 * period) and the rate-limited log lines.
 */
public final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** At most one line per window for refusals and for dropped clients. */
    static final long LOG_WINDOW_MS = 10_000;

    private final SocketIoServer socketIo;
    private final NotificationSocket plain;

    private Notifications(SocketIoServer socketIo, NotificationSocket plain) {
        this.socketIo = socketIo;
        this.plain = plain;
    }

    /**
     * One limit for every WebSocket message, the maxPayload Socket.IO advertises (1,000,000 bytes), whether a
     * message comes in one frame or many. Compression is not negotiated: Vert.x 5.0 gives Netty's permessage-deflate
     * inflater no bound, so a small compressed frame could inflate to any size before a limit is checked.
     */
    public static void serverOptions(HttpServerOptions options) {
        options.setMaxWebSocketFrameSize(EngineIoPacket.MAX_PAYLOAD)
                .setMaxWebSocketMessageSize(EngineIoPacket.MAX_PAYLOAD)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                // After the server's close frame (4401 to a client that never sent its rune, say), the TCP connection
                // is closed within 1 s whether or not the client answers it (Vert.x waits 10 s by default).
                .setWebSocketClosingTimeout(1)
                .addWebSocketSubProtocol(NotificationSocket.SUBPROTOCOL);
    }

    /**
     * Both transports, sharing one budget and one rune watch; {@link #routes} says where the REST verticle mounts them.
     *
     * @param perClient clnrest-notification-buffer
     * @param total     clnrest-notification-buffer-total
     */
    public static Notifications create(Vertx vertx, RuneCheck runes, long perClient, long total, NotificationStats stats) {
        Timeouts timeouts = Timeouts.fromSystemProperties();
        NotificationBudget budget = new NotificationBudget(perClient, total, new RateLimitedLog(vertx, LOG, LOG_WINDOW_MS, true), stats);
        stats.bufferedBytes(budget::used);
        Shared shared = new Shared(vertx, runes, timeouts, budget, new RuneWatch(vertx, runes, timeouts.runeRecheckMs()),
                new RateLimitedLog(vertx, LOG, LOG_WINDOW_MS, false), stats);
        return new Notifications(new SocketIoServer(shared), new NotificationSocket(shared));
    }

    /**
     * The paths served ({@code /socket.io/}, {@code /v1/notifications}) and their handlers, for the REST verticle to
     * mount ahead of its body reader: a WebSocket upgrade needs the request unread, and a polling POST is read here
     * with its own cap.
     */
    public Map<String, Handler<RoutingContext>> routes() {
        return Map.of(SocketIoServer.PATH, socketIo::handle, NotificationSocket.PATH, plain::handle);
    }

    /** Emit one batch of the broadcaster ({@link Bus#NOTIFICATION_BATCH}) to every Socket.IO and WebSocket client. */
    public void broadcast(JsonArray batch) {
        socketIo.broadcast(batch);
        plain.broadcast(batch);
    }
}
