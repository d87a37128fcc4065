package org.clnrest.notify;

import io.vertx.ext.web.RoutingContext;

/**
 * The Engine.IO server's answers to a request it refuses, with the reference server's codes and messages (engine.io
 * {@code Server.errors} and {@code errorMessages}): a JSON body {@code {"code":n,"message":"..."}}, status 400 unless
 * said otherwise.
 */
enum HandshakeError {
    UNKNOWN_TRANSPORT(0, "Transport unknown"),
    UNKNOWN_SID(1, "Session ID unknown"),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
    BAD_REQUEST(3, "Bad request"),
    FORBIDDEN(4, "Forbidden"),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

    final int code;
    final String message;

    HandshakeError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** 400 with this error's own message. */
    void answer(RoutingContext ctx) {
        answer(ctx, 400, message);
    }

    /** {@code status} with this error's code and {@code message} (the reference lets a refusal say why). */
    void answer(RoutingContext ctx, int status, String message) {
        SocketIoServer.error(ctx, status, code, message);
    }
}
