package org.clnrest.notify;

import java.util.ArrayDeque;

/**
 * How an Engine.IO session's packets reach its client (the reference server's {@code Transport}): long-polling, where
 * packets wait for the client's next GET, or a WebSocket, where they go out as they come. The session holds one, and
 * during an upgrade a WebSocket probe beside it.
 */
interface Transport {
    /** Send what {@code outbox} holds, as far as the client takes it now; true when something went out. */
    boolean flush(ArrayDeque<Outgoing> outbox);

    /** Whether packets go out as they come (a WebSocket) rather than when the client asks (polling). */
    boolean pushes();

    /** The session ended for {@code reason}; {@code abort}: the client left bytes unread, so close its connection now. */
    void close(CloseReason reason, boolean abort);
}
