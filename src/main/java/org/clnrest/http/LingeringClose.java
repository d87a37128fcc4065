package org.clnrest.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * Closing a connection right after an early answer (413, 431, 414, 408, 503) while the client still sends its body
 * loses that answer: the client's TCP stack receives more data for a socket the server has closed, answers with a
 * reset, and discards the unread answer with it (1 in 20 curl uploads of 17 MiB got a reset instead of their 413).
 * So, as servers do (nginx's lingering_close, Apache's lingering close), the rest of the body is read and thrown
 * away, never kept, until it ends, for at most {@link #MAX_MS} and {@link #MAX_BYTES}; then the connection closes.
 */
final class LingeringClose {
    /** The longest a refused client may keep sending after its answer. */
    static final long MAX_MS = 5_000;
    /** The most bytes read and discarded for it (no memory is kept: each chunk is dropped as it arrives). */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    /** How long a connection whose request head was refused stays open for its answer to be read. */
    static final long BAD_HEAD_MS = 1_000;

    private LingeringClose() {
    }

    /**
     * After a request head the decoder refused (431, 414, 400): netty's decoder now throws away whatever else
     * arrives on the connection, so the connection stays open a moment for the client to read its answer.
     */
    static void afterBadHead(Vertx vertx, HttpConnection conn) {
        vertx.setTimer(BAD_HEAD_MS, t -> conn.close());
    }

    /** Close {@code req}'s connection once its answer is written and the rest of its body is read or given up on. */
    static void after(Vertx vertx, HttpServerRequest req) {
        HttpConnection conn = req.connection();
        if (req.isEnded()) {
            conn.close();
            return;
        }
        long[] discarded = {0};
        long timer = vertx.setTimer(MAX_MS, t -> conn.close());
        req.handler(chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > MAX_BYTES) {
                vertx.cancelTimer(timer);
                conn.close();
            }
        });
        req.endHandler(v -> {
            vertx.cancelTimer(timer);
            conn.close();
        });
        req.exceptionHandler(e -> vertx.cancelTimer(timer));
        req.resume();
    }
}
