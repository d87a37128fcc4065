package org.clnrest.http;

import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.net.ConnectionGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time limits on connections, so that a client that is slow on purpose costs nothing for long:
 * <ul>
 *   <li>a new connection sends its first request head within min(clnrest-idle-timeout, 10 s) (slowloris: a
 *       head trickled a byte at a time is never idle, yet never done);</li>
 *   <li>each request's body arrives within clnrest-body-timeout of its head, else 408 and the connection (or
 *       the HTTP/2 stream) is closed;</li>
 *   <li>a connection with no call in flight is closed after clnrest-idle-timeout once a call on it has passed its
 *       rune check ({@link #authorised}); until then, after the same short time as the first head (a refused
 *       connection used to be kept 300 s: three processes reached the open-file limit in 25 s, issue 22). A call
 *       waiting on lightningd (waitanyinvoice may rightly wait for hours) keeps its connection: Vert.x's own idle
 *       timeout sees only bytes, not calls;</li>
 *   <li>the cap on connections is kept from their accept, by {@link ConnectionGate}: this guard tells it when Vert.x
 *       has told of a connection, when one made an authorised call (never closed for a newcomer), and when one became
 *       a WebSocket;</li>
 *   <li>a connection upgraded to a WebSocket leaves this guard: the notification transports time it.</li>
 * </ul>
 * It hooks the server (connections, request heads) and the router (the end of each request, through the
 * routing context's end handlers: the response's own end handler has one slot, which the router takes).
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** At most this long for a new connection's first request head, whatever the idle timeout. */
    static final long MAX_HEAD_MS = 10_000;
    private static final String SEEN = "clnrest.guarded";
    private static final String AUTHORISED = "clnrest.authorised";

    private static final class State {
        int active;
        long timer = -1;
        boolean trusted;
    }

    private final Vertx vertx;
    private final long idleMs;
    private final long headMs;
    private final long bodyMs;
    private final Map<HttpConnection, State> connections = new HashMap<>();
    private final ConnectionGate gate;

    ConnectionGuard(Vertx vertx, long idleSeconds, long bodySeconds, ConnectionGate gate) {
        this.vertx = vertx;
        this.idleMs = idleSeconds * 1000;
        this.headMs = Math.min(idleMs, MAX_HEAD_MS);
        this.bodyMs = bodySeconds * 1000;
        this.gate = gate;
    }

    /** Marks the request's connection as one that made an authorised call (called after the rune check passed). */
    static void authorised(RoutingContext ctx) {
        ctx.put(AUTHORISED, Boolean.TRUE);
    }

    /** The server's connection handler (after the TLS handshake, or without TLS at the first bytes). */
    void onConnection(HttpConnection conn) {
        gate.known(conn.remoteAddress());
        State st = new State();
        connections.put(conn, st);
        st.timer = vertx.setTimer(headMs, t -> {
            LOG.debug("Closed a connection that sent no request head within {} ms", headMs);
            conn.close();
        });
        conn.closeHandler(v -> forget(conn));
    }

    private void forget(HttpConnection conn) {
        State st = connections.remove(conn);
        if (st != null) {
            vertx.cancelTimer(st.timer);
        }
    }

    /** Called with each request head, before routing. */
    void onRequest(HttpServerRequest req) {
        State st = connections.get(req.connection());
        if (st != null) {
            vertx.cancelTimer(st.timer);
            st.active++;
        }
    }

    /**
     * The router's first handler: the body deadline starts, and the request is done when its routing context
     * ends, however it ends (the router hands on a wrapper of the server's request: state is kept here, by
     * the routing context, not in a map keyed by requests).
     */
    void onRouted(RoutingContext ctx) {
        if (ctx.get(SEEN) == null) { // once, though a reroute runs the routes again
            ctx.put(SEEN, Boolean.TRUE);
            HttpServerRequest req = ctx.request();
            HttpConnection conn = req.connection();
            long body = req.isEnded() ? -1 : vertx.setTimer(bodyMs, t -> bodyTooSlow(req));
            ctx.addEndHandler(ar -> {
                vertx.cancelTimer(body);
                if (ctx.response().getStatusCode() == 101) {
                    forget(conn); // a WebSocket now: the notification transports cap and time it
                    gate.leave(conn.remoteAddress());
                    return;
                }
                done(conn, ctx.get(AUTHORISED) != null);
            });
        }
        ctx.next();
    }

    private void done(HttpConnection conn, boolean authorised) {
        State st = connections.get(conn);
        if (st == null) {
            return;
        }
        if (authorised && !st.trusted) {
            st.trusted = true;
            gate.trust(conn.remoteAddress());
        }
        if (--st.active == 0) {
            st.timer = vertx.setTimer(st.trusted ? idleMs : headMs, t -> conn.close());
        }
    }

    private void bodyTooSlow(HttpServerRequest req) {
        if (req.isEnded()) {
            return;
        }
        LOG.debug("Closed a request whose body did not arrive within {} ms", bodyMs);
        ApiError e = ApiError.bodyTimeout(bodyMs / 1000);
        if (req.version() == HttpVersion.HTTP_2) {
            req.response().reset();
        } else if (!req.response().headWritten()) {
            req.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                    .end(e.body().toBuffer()).onComplete(v -> LingeringClose.after(vertx, req));
        } else {
            req.connection().close();
        }
    }
}
