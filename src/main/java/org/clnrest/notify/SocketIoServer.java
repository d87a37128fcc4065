package org.clnrest.notify;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;


/**
 * Socket.IO v5 over Engine.IO v4 at {@code /socket.io/} on the REST server's port and TLS: the handshake and the
 * routing of every request to its session ({@link EngineIoSession}), the session table, and the broadcast of
 * each notification batch to every connected namespace of every client.
 *
 * Requests, as the reference server answers them: {@code EIO} other than 4 → 400 {@code {"code":5}}; a transport
 * other than polling or websocket → 400 {@code {"code":0}}; an unknown sid → 400 {@code {"code":1}}; a handshake
 * that is not a GET → 400 {@code {"code":2}}; a poll or POST to a session that upgraded, or a WebSocket with a sid
 * that cannot upgrade (already upgraded, upgrading, or opened over WebSocket) → 400 {@code {"code":3}}.
 */
final class SocketIoServer {
    static final Set<String> NAMESPACES = Set.of("/", "/ws");

    final Shared shared;
    /**
     * Sessions open at once, and of those the ones no namespace CONNECT has been accepted for yet: a stranger's
     * handshakes without a rune (issue 22: 385,000 sessions in 80 s, each kept 45 s, filled the heap). Past
     * {@link #MAX_PENDING} the oldest unauthorised session is closed for the new one (a client that CONNECTs with a
     * good rune is out of reach within milliseconds); past {@link #MAX_SESSIONS} a handshake is refused with 503.
     */
    static final int MAX_SESSIONS = 8192;
    static final int MAX_PENDING = 2048;

    private final Map<String, EngineIoSession> sessions = new HashMap<>();
    private final java.util.LinkedHashSet<EngineIoSession> pending = new java.util.LinkedHashSet<>();
    private final Map<EngineIoSession, SocketIoClient> clients = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    SocketIoServer(Shared shared) {
        this.shared = shared;
    }

    /** Where it is served; ahead of the body handler: a WebSocket upgrade needs the request unread, a POST is read here with its cap. */
    static final String PATH = "/socket.io/";

    /** 20 random bytes, URL-safe: Engine.IO session ids and Socket.IO socket ids (never the same). */
    String newId() {
        byte[] b = new byte[15];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (!"4".equals(req.getParam("EIO"))) {
            HandshakeError.UNSUPPORTED_PROTOCOL_VERSION.answer(ctx);
            return;
        }
        String transport = req.getParam("transport");
        String sid = req.getParam("sid");
        EngineIoSession s = sid == null ? null : sessions.get(sid);
        if (sid != null && s == null) {
            HandshakeError.UNKNOWN_SID.answer(ctx);
        } else if ("websocket".equals(transport)) {
            webSocket(ctx, s);
        } else if (!"polling".equals(transport)) {
            HandshakeError.UNKNOWN_TRANSPORT.answer(ctx);
        } else if (s == null) {
            if (req.method() != HttpMethod.GET) {
                HandshakeError.BAD_HANDSHAKE_METHOD.answer(ctx);
                return;
            }
            if (full(ctx)) {
                return;
            }
            EngineIoSession fresh = open(req.getHeader("rune"));
            fresh.openPolling(ctx, clients.get(fresh));
        } else if (!s.onPolling() || (req.method() != HttpMethod.GET && req.method() != HttpMethod.POST)) {
            HandshakeError.BAD_REQUEST.answer(ctx);
        } else if (req.method() == HttpMethod.GET) {
            s.onPoll(ctx);
        } else {
            s.onPost(ctx);
        }
    }

    private void webSocket(RoutingContext ctx, EngineIoSession s) {
        HttpServerRequest req = ctx.request();
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade")) || (s != null && !s.canUpgrade())) {
            HandshakeError.BAD_REQUEST.answer(ctx);
            return;
        }
        String rune = req.getHeader("rune");
        if (s == null && full(ctx)) {
            return;
        }
        req.toWebSocket().onSuccess(socket -> {
            ChannelOutbound out = ChannelOutbound.of(req.connection());
            if (s == null) {
                EngineIoSession fresh = open(rune);
                fresh.openWebSocket(socket, out, clients.get(fresh));
            } else if (s.canUpgrade()) {
                s.startUpgrade(socket, out);
            } else {
                socket.close();
            }
        }).onFailure(e -> { }); // the client went away during the handshake: nothing was created
    }

    /** At the session cap: refused as the reference server refuses a handshake it does not allow (code 4). */
    private boolean full(RoutingContext ctx) {
        if (sessions.size() < MAX_SESSIONS) {
            return false;
        }
        shared.refusals().log("Refused a Socket.IO handshake: " + MAX_SESSIONS + " sessions are open");
        HandshakeError.FORBIDDEN.answer(ctx, 503, "Server busy: " + MAX_SESSIONS + " sessions are open");
        return true;
    }

    private EngineIoSession open(String rune) {
        String sid = newId();
        EngineIoSession[] self = {null};
        EngineIoSession s = new EngineIoSession(sid, shared.vertx(), shared.timeouts(), shared.budget(), () -> {
            pending.remove(self[0]);
            clients.remove(sessions.remove(sid));
        });
        self[0] = s;
        sessions.put(sid, s);
        pending.add(s);
        if (pending.size() > MAX_PENDING) {
            EngineIoSession oldest = pending.iterator().next();
            pending.remove(oldest);
            oldest.close(CloseReason.CONNECT_TIMEOUT);
        }
        clients.put(s, new SocketIoClient(this, s, rune));
        return s;
    }

    /** A namespace CONNECT of {@code s} was accepted: it is no longer a stranger's session. */
    void authorised(EngineIoSession s) {
        pending.remove(s);
    }

    /** Emit one batch ({@code {"<topic>": {...}}} each) as {@code message} events to every connected namespace. */
    void broadcast(JsonArray batch) {
        if (clients.isEmpty() || batch.isEmpty()) {
            return;
        }
        Map<String, Outgoing[]> byNamespace = new HashMap<>();
        for (String ns : NAMESPACES) {
            Outgoing[] out = new Outgoing[batch.size()];
            for (int i = 0; i < out.length; i++) { // once per batch and namespace, shared by every client
                out[i] = Outgoing.of(EngineIoPacket.message(SocketIoPacket.event(ns, new JsonArray().add("message").add(batch.getValue(i)))));
            }
            byNamespace.put(ns, out);
        }
        for (Map.Entry<EngineIoSession, SocketIoClient> e : new java.util.ArrayList<>(clients.entrySet())) {
            EngineIoSession s = e.getKey();
            int sent = 0;
            for (String ns : e.getValue().connected()) {
                for (Outgoing o : byNamespace.get(ns)) {
                    if (!s.send(o)) {
                        break;
                    }
                    sent++;
                }
            }
            shared.stats().delivered(sent);
        }
    }

    static void error(RoutingContext ctx, int status, int code, String message) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("code", code).put("message", message).encode());
        }
    }
}
