package org.clnrest.notify;

/** Why a notification session ended: in debug log lines, and to pick what a pending long-poll is answered. */
enum CloseReason {
    /** The client sent an Engine.IO close packet ({@code 1}): a pending poll gets a noop ({@code 6}). */
    CLIENT_CLOSE("closed by the client"),
    /** The client's WebSocket (the session's transport) closed. */
    TRANSPORT_CLOSE("transport closed"),
    /** The client dropped a pending long-poll or a POST midway (reference: "poll connection closed prematurely"). */
    TRANSPORT_ERROR("transport error"),
    /** Two long-polls at once, or two POSTs at once. */
    OVERLAP("overlapping requests"),
    /** A packet that does not decode, or one that the protocol does not allow in this state. */
    PARSE_ERROR("protocol error"),
    /** A polling POST over maxPayload. */
    PAYLOAD_TOO_LARGE("payload too large"),
    /** No pong within pingTimeout of a ping. */
    PING_TIMEOUT("ping timeout"),
    /** No namespace connected within the connect timeout. */
    CONNECT_TIMEOUT("connect timeout"),
    /** The client stopped reading: its buffer passed clnrest-notification-buffer. */
    STOPPED_READING("client stopped reading"),
    /** It held the most when all clients together passed clnrest-notification-buffer-total. */
    GLOBAL_BUDGET("over the global notification budget"),
    /** checkrune now refuses the rune the client connected with. */
    RUNE_REVOKED("rune revoked"),
    /** The plugin is stopping. */
    SERVER_CLOSE("server closing");

    final String text;

    CloseReason(String text) {
        this.text = text;
    }
}
