package org.clnrest.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Engine.IO long-polling for one session: a GET is held until there is something to send (then answered with
 * every queued packet that fits in maxPayload), a POST carries a payload of packets from the client.
 *
 * An answer's bytes stay in the session's budget until the connection has written them (a client that asks and
 * does not read would otherwise have them kept uncounted, one answer per poll); when the session ends with answers
 * unread, their connections are closed.
 *
 * A held GET is watched with the response's own close hook (never the connection's, whose single handler belongs
 * to the HTTP server's connection table): a client that drops it ends the session, as the reference server does.
 */
final class PollingTransport implements Transport {
    private final EngineIoSession session;
    private RoutingContext pending;
    private boolean posting;
    /** Connections whose answer the client has not yet taken: its bytes count in the session's budget until then. */
    private final List<HttpConnection> unread = new ArrayList<>();

    PollingTransport(EngineIoSession session) {
        this.session = session;
    }

    boolean pollPending() {
        return pending != null;
    }

    /** GET: hold it, or answer it at once when packets wait; a second GET while one is held is an overlap. */
    void onPoll(RoutingContext ctx) {
        if (pending != null) {
            HandshakeError.BAD_REQUEST.answer(ctx);
            session.close(CloseReason.OVERLAP);
            return;
        }
        pending = ctx;
        // The routing context's end handlers, never the response's own close or exception handler: those have one
        // slot each, which the router holds to end the request (and the connection guard counts on that).
        ctx.addEndHandler(ar -> {
            if (ar.failed() && pending == ctx) {
                pending = null;
                session.close(CloseReason.TRANSPORT_ERROR);
            }
        });
        session.flush();
    }

    /** Answer the held GET with the queued packets (as many as fit in maxPayload); false when none is held. */
    @Override
    public boolean flush(ArrayDeque<Outgoing> outbox) {
        if (pending == null || outbox.isEmpty()) {
            return false;
        }
        List<String> packets = new ArrayList<>();
        long size = 0;
        long released = 0;
        while (!outbox.isEmpty() && (packets.isEmpty() || size + outbox.peek().bytes() + 1 <= EngineIoPacket.MAX_PAYLOAD)) {
            Outgoing o = outbox.poll();
            packets.add(o.text());
            size += o.bytes() + 1;
            released += o.bytes();
        }
        long bytes = released;
        HttpConnection connection = pending.request().connection();
        Future<Void> sent = answerWith(EngineIoPacket.encodePayload(packets));
        unread.add(connection);
        sent.onComplete(ar -> {
            unread.remove(connection);
            session.written(bytes);
        });
        return true;
    }

    /** The session was closed with answers still unread: their connections are closed, which frees what they hold. */
    private void abortUnread() {
        for (HttpConnection c : List.copyOf(unread)) {
            ChannelOutbound.abort(c);
        }
    }

    @Override
    public boolean pushes() {
        return false;
    }

    /** The held GET gets a close (a noop when the client closed); unread answers' connections are closed when told. */
    @Override
    public void close(CloseReason reason, boolean abort) {
        answer(reason == CloseReason.CLIENT_CLOSE ? EngineIoPacket.NOOP : EngineIoPacket.CLOSE);
        if (abort) {
            abortUnread();
        }
    }

    /** Answer the held GET (if any) with one packet: a noop for an upgrade, a close when the session ends. */
    void answer(EngineIoPacket packet) {
        answerWith(packet.encode());
    }

    private Future<Void> answerWith(String payload) {
        RoutingContext ctx = pending;
        pending = null;
        if (ctx != null && !ctx.response().ended() && !ctx.response().closed()) {
            return ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(payload);
        }
        return Future.succeededFuture();
    }

    /** POST: read the body (at most maxPayload bytes), hand its packets to the session, answer ok or 400/413. */
    void onPost(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (posting) {
            HandshakeError.BAD_REQUEST.answer(ctx);
            session.close(CloseReason.OVERLAP);
            return;
        }
        posting = true;
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.exceptionHandler(e -> { }); // a reset: the end handler below ends the session
        ctx.addEndHandler(ar -> {
            if (ar.failed() && posting) {
                posting = false;
                session.close(CloseReason.TRANSPORT_ERROR);
            }
        });
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + chunk.length() > EngineIoPacket.MAX_PAYLOAD) {
                tooLarge[0] = true;
                posting = false;
                ctx.response().setStatusCode(413).putHeader("Connection", "close")
                        .putHeader("Content-Type", "application/json")
                        .end(new io.vertx.core.json.JsonObject().put("code", HandshakeError.BAD_REQUEST.code).put("message", "Payload too large").encode())
                        .onComplete(ar -> req.connection().close());
                session.close(CloseReason.PAYLOAD_TOO_LARGE);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (tooLarge[0]) {
                return;
            }
            posting = false;
            if (session.receivePayload(body.toString(java.nio.charset.StandardCharsets.UTF_8))) {
                ctx.response().putHeader("Content-Type", "text/html").end("ok");
            } else {
                HandshakeError.BAD_REQUEST.answer(ctx);
            }
        });
    }
}
