package org.clnrest.http;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.auth.RuneId;
import org.clnrest.http.format.Format;
import org.clnrest.http.format.FormatError;
import org.clnrest.http.format.MediaTypes;
import org.clnrest.http.format.ParamsBudget;

/**
 * One REST call as both routes (POST /v1/{rpc_method} and registered paths) read it: the lightningd method,
 * the caller's rune, the reply's format and the params, parsed once. Bodies over {@link #PARSE_INLINE}
 * bytes are parsed on a worker thread, so that no body holds the event loop; the parsed params are charged to
 * the {@link RequestBudget} before anything else happens with them.
 */
record CallRequest(String method, String rune, Format in, Format out, Object params) {
    static final int PARSE_INLINE = 64 * 1024;
    /** Where the failure handler finds the call a refusal is about (for its log line). */
    static final String KEY = "clnrest.call";

    String runeId() {
        return rune == null ? "none" : RuneId.of(rune);
    }

    /** The rune of the request, or null when the header is absent or blank. */
    static String rune(RoutingContext ctx) {
        String rune = ctx.request().getHeader("Rune");
        return rune == null || rune.isBlank() ? null : rune;
    }

    /**
     * Read a call of {@code method}: formats from the headers (406), params from the body (400, 406, 413),
     * merged with a registered path's {@code captures} (a key in both is 406), then charged to {@code budget} (503).
     */
    static Future<CallRequest> read(WorkerExecutor cpu, RoutingContext ctx, String method, JsonObject captures, RequestBudget budget) {
        Format out;
        Format in;
        try {
            out = MediaTypes.accept(ctx.request().getHeader("Accept"));
            in = MediaTypes.contentType(ctx.request().getHeader("Content-Type"));
        } catch (FormatError e) {
            return Future.failedFuture(e);
        }
        Buffer body = ctx.body().buffer();
        Future<Object> parsed;
        if (body == null || body.length() <= PARSE_INLINE) {
            try {
                parsed = Future.succeededFuture(in.params(body, method));
            } catch (FormatError e) {
                return Future.failedFuture(e);
            }
        } else {
            parsed = cpu.executeBlocking(() -> in.params(body, method), false);
        }
        return parsed.map(params -> {
            Object merged = merge(captures, params);
            if (merged != null && !budget.charge(ctx, (long) ParamsBudget.values(merged) * RequestBudget.BYTES_PER_VALUE)) {
                throw ApiError.busy("requests in flight hold " + budget.max() + " bytes (clnrest-request-memory)");
            }
            CallRequest call = new CallRequest(method, rune(ctx), in, out, merged);
            ctx.put(KEY, call);
            return call;
        });
    }

    /** Path captures plus body params; a key in both is refused, as upstream does. */
    private static Object merge(JsonObject captures, Object body) {
        if (captures == null || captures.isEmpty()) {
            return body;
        }
        if (body == null) {
            return captures;
        }
        if (!(body instanceof JsonObject named)) {
            throw ApiError.badRequest("Params by position cannot be combined with the path's captures; send an object");
        }
        JsonObject merged = captures.copy();
        for (String k : named.fieldNames()) {
            if (merged.containsKey(k)) {
                throw FormatError.duplicateKey(k);
            }
            merged.put(k, named.getValue(k));
        }
        return merged;
    }
}
