package org.clnrest.http;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.metrics.Stats;
import org.clnrest.rpc.RpcReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * lightningd's answer to a call, as the HTTP answer: 201 with the result in the client's format (JSON passed
 * through byte for byte), or lightningd's error as {@link ApiError} (404 for an unknown command, 500 otherwise).
 * A large JSON result comes as a stream from lightningd's socket ({@link org.clnrest.rpc.Rpc#callStreaming})
 * and goes out as it comes (chunked), with back-pressure both ways: the client reads, the socket is read; a
 * 100 MB reply is never held whole. Large results in other formats are rendered on a worker thread, and
 * written a slice at a time as the client reads (the next once the last has reached the socket), so that TLS
 * encrypts only what can be sent.
 */
final class ReplyWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyWriter.class);
    static final int WRITE_SLICE = 256 * 1024;
    /** Results larger than this are rendered off the event loop when the client wants YAML, XML or a form. */
    static final int RENDER_INLINE = 256 * 1024;

    private ReplyWriter() {}

    static void answer(WorkerExecutor cpu, RoutingContext ctx, CallRequest call, RpcReply reply) {
        ctx.put(Stats.RAN_KEY, reply.isError() && reply.errorCode() == -32601 ? "unknown" : call.method());
        if (reply.isStreamed()) {
            stream(ctx, call, reply.resultStream());
            return;
        }
        if (reply.isError()) {
            LOG.debug("{} with rune #{}: lightningd error {}", call.method(), call.runeId(), reply.errorCode());
            ctx.fail(reply.errorCode() == -32601 ? ApiError.unknownCommand(reply.error()) : ApiError.rpcError(reply.error()));
            return;
        }
        Buffer result = reply.resultBytes();
        Future<Buffer> body = result.length() <= RENDER_INLINE
                ? Future.succeededFuture(call.out().render(result, call.method()))
                : cpu.executeBlocking(() -> call.out().render(result, call.method()), false);
        body.onSuccess(b -> {
            LOG.debug("{} with rune #{}: 201, {} bytes", call.method(), call.runeId(), b.length());
            write(ctx.response().setStatusCode(201).putHeader("Content-Type", call.out().mediaType), b);
        }).onFailure(ctx::fail);
    }

    /** A streamed JSON result, passed on as it arrives; a failure midway resets the response (never a clean end). */
    private static void stream(RoutingContext ctx, CallRequest call, ReadStream<Buffer> result) {
        HttpServerResponse res = ctx.response();
        if (res.ended() || res.closed()) {
            result.handler(null); // nobody to read it: lightningd's bytes are read and dropped
            return;
        }
        LOG.debug("{} with rune #{}: 201, streamed", call.method(), call.runeId());
        res.setStatusCode(201).putHeader("Content-Type", call.out().mediaType).setChunked(true);
        result.pipe().endOnFailure(false).to(res).onFailure(e -> {
            result.handler(null);
            LOG.debug("{} with rune #{}: streamed reply cut: {}", call.method(), call.runeId(), e.getMessage());
            if (!res.closed()) {
                res.reset();
            }
        });
    }

    static void write(HttpServerResponse res, Buffer body) {
        if (res.ended() || res.closed()) {
            return;
        }
        if (body.length() <= WRITE_SLICE) {
            res.end(body);
        } else {
            res.putHeader("Content-Length", Integer.toString(body.length()));
            writeSlices(res, body, 0);
        }
    }

    /**
     * One slice in the connection at a time: the next is written when netty has written this one to the socket.
     * (Vert.x's writeQueueFull() turns true only after netty reports the connection unwritable, on a later turn,
     * and 16 more writes: a loop on it put the whole reply into netty in one turn, and TLS encrypted all of it into
     * direct memory for a client that might never read it.)
     */
    private static void writeSlices(HttpServerResponse res, Buffer body, int from) {
        if (res.closed()) {
            return; // the client went away: drop the rest
        }
        if (from >= body.length()) {
            res.end();
            return;
        }
        int to = Math.min(body.length(), from + WRITE_SLICE);
        res.write(body.slice(from, to)).onSuccess(v -> writeSlices(res, body, to));
    }
}
