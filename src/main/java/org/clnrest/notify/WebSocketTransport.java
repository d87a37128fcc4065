package org.clnrest.notify;

import java.util.ArrayDeque;

import io.vertx.core.http.ServerWebSocket;

/**
 * Engine.IO over one WebSocket: a text frame per packet, a binary frame per binary message. Packets go out while
 * the connection's outbound buffer is under its high-water mark ({@link ChannelOutbound}); the rest wait in the
 * session's outbox until it drains. Written bytes leave the client's budget only once the socket has taken them
 * (the write's future: netty completes it when the encrypted bytes are written, or fails it when the connection
 * closes).
 */
final class WebSocketTransport implements Transport {
    private final EngineIoSession session;
    final ServerWebSocket ws;
    private final ChannelOutbound out;
    private boolean closed;

    WebSocketTransport(EngineIoSession session, ServerWebSocket ws, ChannelOutbound out) {
        this.session = session;
        this.ws = ws;
        this.out = out;
        ws.textMessageHandler(text -> session.onFrame(this, text));
        ws.binaryMessageHandler(b -> session.onFrame(this, null));
        // A message over maxWebSocketMessageSize: Vert.x drops what it had aggregated and reports it here, leaving the
        // connection open (the rest of the message would arrive as a new one): close it, as the reference does.
        // Resets end in the close handler.
        ws.exceptionHandler(e -> {
            if (e instanceof IllegalStateException && !closed) {
                closed = true;
                ws.close((short) 1009, "Message too big");
            }
        });
        ws.closeHandler(v -> {
            closed = true;
            session.onTransportClosed(this);
        });
    }

    /** Write now, outside the outbox (the upgrade's 3probe and the handshake). */
    void sendNow(EngineIoPacket packet) {
        if (!closed) {
            ws.writeTextMessage(packet.encode());
        }
    }

    @Override
    public boolean flush(ArrayDeque<Outgoing> outbox) {
        if (closed) {
            return false;
        }
        boolean sent = false;
        while (!outbox.isEmpty() && out.writable()) {
            Outgoing o = outbox.poll();
            ws.writeTextMessage(o.text()).onComplete(ar -> session.written(o.bytes()));
            sent = true;
        }
        if (!outbox.isEmpty()) {
            out.whenWritable(session::flush);
        }
        return sent;
    }

    @Override
    public boolean pushes() {
        return true;
    }

    @Override
    public void close(CloseReason reason, boolean abort) {
        close(abort);
    }

    boolean closed() {
        return closed;
    }

    /** {@code abort}: the client left bytes unread; close the connection at once rather than after a handshake. */
    void close(boolean abort) {
        if (abort) {
            closed = true;
            out.abort();
        } else if (!closed) {
            closed = true;
            ws.close();
        }
    }
}
