package org.clnrest.notify;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.auth.RuneCheck;
import org.clnrest.auth.RuneId;
import org.clnrest.rpc.RpcUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket.IO v5 over Engine.IO v4 (what socket.io-client 3.x/4.x and python-socketio 5 speak), on the REST
 * server's own port and TLS: long-polling, WebSocket, and the upgrade from one to the other.
 *
 * Why not netty-socketio: it runs its own Netty server (a second port, or a proxy hop in front of it), and
 * it cannot refuse a client that authenticates by header with a Socket.IO connect_error carrying a message
 * (its namespace auth listener runs only for clients that send an auth payload, and a refused session still
 * received broadcasts). Upstream's clients send the rune as a header, and must learn why they were refused.
 *
 * On CONNECT to {@code /} or {@code /ws} the rune (header {@code rune}, or {@code auth.rune}) is checked for
 * {@code listclnrest-notifications}; a refused client gets {@code connect_error} with lightningd's message
 * and nothing else. Each batch from {@link NotificationBroadcaster} is emitted as {@code message} events to
 * every connected namespace, in order. Client events are never re-broadcast. A client whose unsent packets
 * exceed clnrest-notification-buffer (it stopped reading) is disconnected, with a log line.
 */
public final class SocketIo {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIo.class);
    static final int PING_INTERVAL_MS = 25_000;
    static final int PING_TIMEOUT_MS = 20_000;
    static final int MAX_PAYLOAD = 1_000_000;
    private static final char SEPARATOR = '\u001e';
    private static final Set<String> NAMESPACES = Set.of("/", "/ws");

    private final Vertx vertx;
    private final RuneCheck runes;
    /** Characters of unsent packets a client may have before it counts as one that stopped reading. */
    private final long maxQueued;
    private final Map<String, Session> sessions = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SocketIo(Vertx vertx, RuneCheck runes, long maxQueued) {
        this.vertx = vertx;
        this.runes = runes;
        this.maxQueued = maxQueued;
    }

    /**
     * Route {@code /socket.io/} ahead of the router's root handlers: the WebSocket upgrade must find the
     * request unread (a BodyHandler would consume it), and polling bodies are read here with their own cap.
     * {@code before} runs first (security headers, CORS).
     */
    public void mount(Router router, io.vertx.core.Handler<RoutingContext> before) {
        router.route("/socket.io/").order(org.clnrest.http.RouteOrder.NOTIFICATIONS).handler(before).handler(this::handle);
    }

    public int clients() {
        return sessions.size();
    }

    /** Emit one batch of notifications ({@code {"<topic>": {...}}} each) to every authorised client. */
    public void broadcast(JsonArray batch) {
        if (sessions.isEmpty()) {
            return;
        }
        String[] events = new String[batch.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = new JsonArray().add("message").add(batch.getValue(i)).encode();
        }
        for (Session s : sessions.values().toArray(Session[]::new)) {
            for (String ns : s.namespaces) {
                String prefix = ns.equals("/") ? "42" : "42" + ns + ",";
                for (String e : events) {
                    s.send(prefix + e);
                }
            }
        }
    }

    // ---- Engine.IO transport ------------------------------------------------------------------------

    private void handle(RoutingContext ctx) {
        var req = ctx.request();
        if (!"4".equals(req.getParam("EIO"))) {
            error(ctx, 400, 5, "Unsupported protocol version");
            return;
        }
        String transport = req.getParam("transport");
        String sid = req.getParam("sid");
        if ("websocket".equals(transport)) {
            Session s = sid == null ? null : sessions.get(sid);
            if (sid != null && s == null) {
                error(ctx, 400, 1, "Session ID unknown");
                return;
            }
            req.toWebSocket().onSuccess(ws -> {
                if (s == null) {
                    Session fresh = open(req.getHeader("rune"));
                    fresh.attach(ws, false);
                } else {
                    s.attach(ws, true);
                }
            }).onFailure(e -> LOG.debug("Socket.IO websocket upgrade failed: {}", e.getMessage()));
            return;
        }
        if (!"polling".equals(transport)) {
            error(ctx, 400, 0, "Transport unknown");
            return;
        }
        if (sid == null) {
            if (req.method() != HttpMethod.GET) {
                error(ctx, 400, 2, "Bad handshake method");
                return;
            }
            Session s = open(req.getHeader("rune"));
            ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end("0" + s.handshake());
            return;
        }
        Session s = sessions.get(sid);
        if (s == null) {
            error(ctx, 400, 1, "Session ID unknown");
        } else if (req.method() == HttpMethod.GET) {
            s.poll(ctx);
        } else if (req.method() == HttpMethod.POST) {
            io.vertx.core.buffer.Buffer buf = io.vertx.core.buffer.Buffer.buffer();
            req.handler(chunk -> {
                if (buf.length() + chunk.length() > MAX_PAYLOAD) {
                    error(ctx, 413, 3, "Payload too large");
                    s.close("payload too large");
                    req.connection().close();
                } else {
                    buf.appendBuffer(chunk);
                }
            });
            req.endHandler(v -> {
                if (ctx.response().ended()) {
                    return;
                }
                String body = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
                int start = 0;
                for (int i = 0; i <= body.length(); i++) {
                    if (i == body.length() || body.charAt(i) == SEPARATOR) {
                        s.onPacket(body.substring(start, i));
                        start = i + 1;
                    }
                }
                ctx.response().putHeader("Content-Type", "text/html").end("ok");
            });
        } else {
            error(ctx, 400, 2, "Bad request");
        }
    }

    private static void error(RoutingContext ctx, int status, int code, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", code).put("message", message).encode());
    }

    private Session open(String rune) {
        byte[] b = new byte[15];
        random.nextBytes(b);
        Session s = new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(b), rune);
        sessions.put(s.sid, s);
        return s;
    }

    /** One Engine.IO session: polling first (or WebSocket straight away), maybe upgraded later. */
    private final class Session {
        final String sid;
        final String rune;
        final Set<String> namespaces = new HashSet<>();
        final ArrayDeque<String> outbox = new ArrayDeque<>();
        /** Characters in the outbox plus those the WebSocket has not flushed yet (its own queue). */
        long queued;
        RoutingContext pendingPoll;
        ServerWebSocket ws;
        boolean closed;
        long lastPong = System.nanoTime();
        final long heartbeat;

        Session(String sid, String rune) {
            this.sid = sid;
            this.rune = rune;
            this.heartbeat = vertx.setPeriodic(PING_INTERVAL_MS, t -> ping());
        }

        String handshake() {
            return new JsonObject().put("sid", sid).put("upgrades", ws == null ? new JsonArray().add("websocket") : new JsonArray())
                    .put("pingInterval", PING_INTERVAL_MS).put("pingTimeout", PING_TIMEOUT_MS).put("maxPayload", MAX_PAYLOAD).encode();
        }

        void attach(ServerWebSocket socket, boolean upgrade) {
            socket.textMessageHandler(text -> {
                if (upgrade && ws != socket) {
                    // Upgrade handshake: 2probe -> 3probe, then 5 switches the session to this socket.
                    if (text.equals("2probe")) {
                        socket.writeTextMessage("3probe");
                    } else if (text.equals("5")) {
                        ws = socket;
                        if (pendingPoll != null) {
                            answerPoll("6");
                        }
                        flush();
                    }
                    return;
                }
                onPacket(text);
            });
            socket.closeHandler(v -> {
                if (ws == socket) {
                    close("transport closed");
                }
            });
            socket.exceptionHandler(e -> LOG.debug("Socket.IO websocket error: {}", e.getMessage()));
            if (!upgrade) {
                ws = socket;
                socket.writeTextMessage("0" + handshake());
            }
        }

        void poll(RoutingContext ctx) {
            if (ws != null) {
                ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end("6");
                return;
            }
            if (pendingPoll != null) {
                error(ctx, 400, 3, "Overlapping polls");
                close("overlapping polls");
                return;
            }
            pendingPoll = ctx;
            ctx.request().connection().closeHandler(v -> {
                if (pendingPoll == ctx) {
                    pendingPoll = null;
                }
            });
            flush();
        }

        void send(String packet) {
            if (closed) {
                return;
            }
            outbox.add(packet);
            queued += packet.length();
            if (queued > maxQueued) {
                LOG.warn("Disconnected a Socket.IO client that stopped reading ({} notifications, {} bytes unsent; clnrest-notification-buffer is {})",
                        outbox.size(), queued, maxQueued);
                close("client stopped reading");
                return;
            }
            flush();
        }

        void flush() {
            if (ws != null) {
                // The WebSocket's own write queue holds what the socket has not taken; the outbox holds the rest.
                // Both count against the client's budget until written out to the network.
                ServerWebSocket socket = ws;
                while (!outbox.isEmpty() && !socket.writeQueueFull()) {
                    String p = outbox.poll();
                    socket.writeTextMessage(p).onComplete(ar -> {
                        if (!closed) {
                            queued -= p.length();
                        }
                    });
                }
                if (!outbox.isEmpty()) {
                    socket.drainHandler(v -> flush());
                }
            } else if (pendingPoll != null && !outbox.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                while (!outbox.isEmpty() && sb.length() < MAX_PAYLOAD) {
                    if (sb.length() > 0) {
                        sb.append(SEPARATOR);
                    }
                    String p = outbox.poll();
                    queued -= p.length();
                    sb.append(p);
                }
                answerPoll(sb.toString());
            }
        }

        private void answerPoll(String payload) {
            RoutingContext ctx = pendingPoll;
            pendingPoll = null;
            if (!ctx.response().ended()) {
                ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(payload);
            }
        }

        void ping() {
            if (System.nanoTime() - lastPong > (long) (PING_INTERVAL_MS + PING_TIMEOUT_MS) * 1_000_000) {
                close("ping timeout");
                return;
            }
            send("2");
        }

        void onPacket(String p) {
            if (p.isEmpty()) {
                return;
            }
            switch (p.charAt(0)) {
                case '3' -> lastPong = System.nanoTime();
                case '1' -> close("client closed");
                case '4' -> onSocketIo(p.substring(1));
                default -> { } // noop, upgrade markers on the wrong transport
            }
        }

        /** A Socket.IO packet: CONNECT is authorised, DISCONNECT leaves, client EVENTs are ignored. */
        void onSocketIo(String p) {
            if (p.isEmpty()) {
                return;
            }
            char type = p.charAt(0);
            String rest = p.substring(1);
            String ns = "/";
            if (rest.startsWith("/")) {
                int comma = rest.indexOf(',');
                ns = comma < 0 ? rest : rest.substring(0, comma);
                rest = comma < 0 ? "" : rest.substring(comma + 1);
            }
            String prefix = ns.equals("/") ? "" : ns + ",";
            if (type == '0') {
                connect(ns, prefix, rest);
            } else if (type == '1') {
                namespaces.remove(ns);
            }
        }

        private void connect(String ns, String prefix, String payload) {
            if (!NAMESPACES.contains(ns)) {
                send("44" + prefix + new JsonObject().put("message", "Invalid namespace").encode());
                return;
            }
            String given = rune;
            if ((given == null || given.isBlank()) && payload.startsWith("{")) {
                try {
                    given = new JsonObject(payload).getString("rune");
                } catch (RuntimeException ignored) {
                    // not JSON: no rune there
                }
            }
            String runeId = RuneId.of(given);
            runes.check(given, null, "listclnrest-notifications", null).onComplete(ar -> {
                if (closed) {
                    return;
                }
                if (ar.succeeded()) {
                    namespaces.add(ns);
                    LOG.debug("Socket.IO client connected to {} with rune #{}", ns, runeId);
                    send("40" + prefix + new JsonObject().put("sid", sid).encode());
                    return;
                }
                JsonObject error;
                if (ar.cause() instanceof RuneCheck.AuthFailure f) {
                    error = f.error();
                } else if (ar.cause() instanceof RpcUnavailable u) {
                    error = new JsonObject().put("code", -32000).put("message", "lightningd is unavailable: " + u.getMessage());
                } else {
                    error = new JsonObject().put("code", -32603).put("message", "Internal error");
                }
                LOG.info("Refused a Socket.IO client (rune #{}): Error code {}: {}", runeId, error.getValue("code"), error.getString("message"));
                send("44" + prefix + new JsonObject().put("message", error.getString("message")).put("data", error).encode());
            });
        }

        void close(String why) {
            if (closed) {
                return;
            }
            closed = true;
            vertx.cancelTimer(heartbeat);
            sessions.remove(sid);
            namespaces.clear();
            outbox.clear();
            queued = 0;
            if (pendingPoll != null) {
                answerPoll("1");
            }
            if (ws != null && !ws.isClosed()) {
                ws.close();
            }
            LOG.debug("Socket.IO session closed: {}", why);
        }
    }
}
