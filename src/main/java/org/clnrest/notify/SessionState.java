package org.clnrest.notify;

/**
 * The life of an Engine.IO session, as the reference server names it.
 *
 * <pre>
 * OPENING   created; the open packet (handshake) not sent yet
 * OPEN      the open packet sent; one transport (polling or websocket) carries everything
 * UPGRADING a WebSocket with this sid opened to probe; polling still carries the packets
 * PROBED    the probe answered (2probe, 3probe); the held poll let go, polling paused until the client sends 5
 * CLOSING   the server ends the session gracefully: what is queued (e.g. DISCONNECTs) goes out, then CLOSED
 * CLOSED    gone from the session table; every timer cancelled, every transport closed
 * </pre>
 */
enum SessionState {
    OPENING, OPEN, UPGRADING, PROBED, CLOSING, CLOSED
}
