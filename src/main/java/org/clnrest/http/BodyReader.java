package org.clnrest.http;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.http.format.FormatError;
import org.clnrest.util.VertxInternals;

/**
 * Reads each request's body (in place of Vert.x's BodyHandler, which knows only a per-request limit): at most
 * clnrest-body-limit bytes (413), every byte charged to the {@link RequestBudget} as it arrives (503 when the
 * budget is spent). Either refusal ends the connection, so nothing more is read. Multipart bodies are no
 * format of ours (406).
 */
final class BodyReader implements Handler<RoutingContext> {
    private final long limit;
    private final RequestBudget budget;

    BodyReader(long limit, RequestBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!VertxInternals.firstBodyRead(ctx)) {
            ctx.next(); // rerouted: read already
            return;
        }
        HttpServerRequest req = ctx.request();
        String type = req.getHeader("Content-Type");
        if (type != null && type.trim().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            refuse(ctx, ApiError.format(FormatError.unsupportedContentType(type)));
            return;
        }
        long declared = contentLength(req);
        if (declared > limit) {
            refuse(ctx, ApiError.bodyTooLarge(limit));
            return;
        }
        if (req.isEnded()) {
            VertxInternals.setBody(ctx, Buffer.buffer());
            ctx.next();
            return;
        }
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect")) && req.version() == HttpVersion.HTTP_1_1) {
            req.response().writeContinue();
        }
        // The chunks as they came, joined once at the end: a body grown by appending is copied at every doubling.
        List<Buffer> chunks = new ArrayList<>();
        long[] length = {0};
        boolean[] failed = {false};
        req.handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (length[0] + chunk.length() > limit) {
                failed[0] = true;
                chunks.clear();
                refuse(ctx, ApiError.bodyTooLarge(limit));
            } else if (!budget.charge(ctx, chunk.length())) {
                failed[0] = true;
                chunks.clear();
                refuse(ctx, ApiError.busy("requests in flight hold " + budget.max() + " bytes (clnrest-request-memory)"));
            } else {
                chunks.add(chunk);
                length[0] += chunk.length();
            }
        });
        // A client that goes away mid-body is no error of ours: without a handler, the router would log each one.
        req.exceptionHandler(e -> chunks.clear());
        req.endHandler(v -> {
            if (!failed[0]) {
                VertxInternals.setBody(ctx, join(chunks, (int) length[0]));
                ctx.next();
            }
        });
    }

    private static Buffer join(List<Buffer> chunks, int length) {
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        byte[] all = new byte[length];
        int at = 0;
        for (Buffer c : chunks) {
            c.getBytes(0, c.length(), all, at);
            at += c.length();
        }
        chunks.clear();
        return Buffer.buffer(all);
    }

    /** Answer, then end the connection (HTTP/1) or the stream (HTTP/2): the rest of the body is not wanted. */
    static void refuse(RoutingContext ctx, ApiError e) {
        HttpServerRequest req = ctx.request();
        if (req.version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(ar -> LingeringClose.after(ctx.vertx(), req));
        }
        ctx.fail(e);
    }

    private static long contentLength(HttpServerRequest req) {
        String v = req.getHeader("Content-Length");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
