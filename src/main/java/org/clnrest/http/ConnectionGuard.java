package org.clnrest.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.tls.ServerTls;
import org.clnrest.util.RateLimitedLog;
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
 *   <li>at most {@link #cap} connections at once (clnrest-max-connections, and well under the process's open-file
 *       limit), counted from their accept: with TLS, a connection in its handshake holds a descriptor for up to the
 *       5 s handshake deadline before Vert.x tells of it, so the TLS engine asks this guard at the accept
 *       ({@link ServerTls.Gate}; 2,000 bare TCP connections used to take a plugin capped at 32 to 2,017 open files).
 *       At the cap the oldest connection that has made no authorised call is closed for the new one (strangers
 *       compete among themselves); with none (every place authorised or in its handshake, which ends within 5 s),
 *       the new one is closed at once; both with a rate-limited log line;</li>
 *   <li>a connection upgraded to a WebSocket leaves this guard: the notification transports time it.</li>
 * </ul>
 * It hooks the server (connections, request heads) and the router (the end of each request, through the
 * routing context's end handlers: the response's own end handler has one slot, which the router takes).
 */
final class ConnectionGuard implements ServerTls.Gate {
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
    private final int cap;
    /** Every guarded connection, oldest first: strangers are evicted in this order. */
    private final Map<HttpConnection, State> connections = new LinkedHashMap<>();
    private final RateLimitedLog atCap;
    /** Connections admitted at their accept whose TLS handshake has not ended (all calls on the server's event loop). */
    private int handshaking;

    ConnectionGuard(Vertx vertx, long idleSeconds, long bodySeconds, int maxConnections) {
        this.vertx = vertx;
        this.idleMs = idleSeconds * 1000;
        this.headMs = Math.min(idleMs, MAX_HEAD_MS);
        this.bodyMs = bodySeconds * 1000;
        this.cap = OpenFiles.connectionCap(maxConnections);
        this.atCap = new RateLimitedLog(vertx, LOG, 10_000, true);
    }

    /** The connection cap in force: clnrest-max-connections, lowered to fit the open-file limit. */
    int cap() {
        return cap;
    }

    /** Marks the request's connection as one that made an authorised call (called after the rune check passed). */
    static void authorised(RoutingContext ctx) {
        ctx.put(AUTHORISED, Boolean.TRUE);
    }

    @Override
    public boolean admit() {
        if (!placeFree()) {
            return false;
        }
        handshaking++;
        return true;
    }

    @Override
    public void handshakeEnded() {
        handshaking--;
    }

    /** The server's connection handler (with TLS, once the handshake is done). */
    void onConnection(HttpConnection conn) {
        if (!placeFree()) {
            conn.close();
            return;
        }
        State st = new State();
        connections.put(conn, st);
        st.timer = vertx.setTimer(headMs, t -> {
            LOG.debug("Closed a connection that sent no request head within {} ms", headMs);
            conn.close();
        });
        conn.closeHandler(v -> forget(conn));
    }

    private boolean placeFree() {
        if (connections.size() + handshaking < cap || evictAStranger()) {
            return true;
        }
        atCap.log("Closed a new connection: " + cap + " connections are open, all of them authorised or in their TLS handshake"
                + " (clnrest-max-connections)");
        return false;
    }

    private boolean evictAStranger() {
        for (Map.Entry<HttpConnection, State> e : connections.entrySet()) {
            if (!e.getValue().trusted) {
                atCap.log("Closed the oldest connection that made no authorised call: " + cap + " connections are open (clnrest-max-connections)");
                HttpConnection oldest = e.getKey();
                forget(oldest);
                oldest.close();
                return true;
            }
        }
        return false;
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
                    forget(conn); // a WebSocket now: the notification transports time it
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
        st.trusted |= authorised;
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
