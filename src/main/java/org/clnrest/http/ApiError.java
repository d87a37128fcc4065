package org.clnrest.http;

import io.vertx.core.json.JsonObject;

import org.clnrest.http.format.FormatError;

/**
 * An error answer: the HTTP status and the JSON body {@code {code, message[, data]}}. Every status this
 * server chooses itself is in this table; a reader finds the error-to-status mapping here and nowhere else.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final JsonObject body;

    private ApiError(int status, JsonObject body) {
        super(body.getString("message"), null, false, false);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public JsonObject body() {
        return body;
    }

    private static ApiError of(int status, int code, String message) {
        return new ApiError(status, new JsonObject().put("code", code).put("message", message));
    }

    // ---- the table -------------------------------------------------------------------------------------
    /** A rune refused by {@link org.clnrest.auth.RuneCheck}: no rune 403; checkrune error or valid:false 401; too many checks waiting 503. */
    public static ApiError auth(org.clnrest.auth.RuneCheck.AuthFailure f) {
        return of(org.clnrest.auth.CallError.of(f));
    }

    /** Any failed rune check or call, as {@link org.clnrest.auth.CallError} words it for every transport. */
    public static ApiError of(org.clnrest.auth.CallError e) {
        int status = switch (e.kind()) {
            case MISSING -> 403;
            case BUSY, UNAVAILABLE -> 503;
            case REFUSED, INVALID -> 401;
            case INTERNAL -> 500;
        };
        return new ApiError(status, e.error());
    }

    /** The method's call failed with -32601 (unknown command): lightningd's error as is. */
    public static ApiError unknownCommand(JsonObject lightningdError) {
        return new ApiError(404, lightningdError);
    }

    /** Any other error of the method's call: lightningd's error as is. */
    public static ApiError rpcError(JsonObject lightningdError) {
        return new ApiError(500, lightningdError);
    }

    /** lightningd's RPC socket is gone or did not answer: nothing reached (or came back from) the node. */
    public static ApiError rpcUnavailable(String why) {
        return of(org.clnrest.auth.CallError.unavailable(why));
    }

    /**
     * A body or header the formats refuse, with its own message: a body that does not parse 400 (upstream
     * answers 500; 400 is right), a duplicate key or an unsupported Content-Type/Accept 406, too many values 413.
     */
    public static ApiError format(FormatError e) {
        return switch (e.kind()) {
            case BAD_BODY -> of(400, -32700, e.getMessage());
            case TOO_MANY_VALUES -> of(413, -32602, e.getMessage());
            case DUPLICATE_KEY, UNSUPPORTED_CONTENT_TYPE, UNSUPPORTED_ACCEPT -> of(406, -32602, e.getMessage());
        };
    }

    /** A request that is well-formed but not usable (bad method name, ...). */
    public static ApiError badRequest(String message) {
        return of(400, -32602, message);
    }

    public static ApiError bodyTooLarge(long limit) {
        return of(413, -32602, "Request body is larger than the limit of " + limit + " bytes (clnrest-body-limit)");
    }

    /** The body did not arrive within clnrest-body-timeout of the request's head. */
    public static ApiError bodyTimeout(long seconds) {
        return of(408, -32602, "Request body not received within " + seconds + " s (clnrest-body-timeout)");
    }

    /** Requests in flight hold clnrest-request-memory already, or too many calls wait on lightningd. */
    public static ApiError busy(String why) {
        return of(503, -32000, "Server busy: " + why);
    }

    /** The request line or the headers are over the server's limits (16 KiB of headers). */
    public static ApiError headersTooLarge(String what) {
        return of(what.equals("headers") ? 431 : 414, -32602, "Request " + what + " too large");
    }

    public static ApiError pathNotFound() {
        return of(404, -32601, "Path not found");
    }

    public static ApiError getOnRpcMethod() {
        return of(405, -32601, "Path invalid, http_method must be POST for CLN methods");
    }

    /** A registered path requested with an HTTP method none of its routes has: upstream names the requested path. */
    public static ApiError methodNotAllowed(String requestedPath, String method) {
        return of(405, -32601, "Dynamic path: " + requestedPath + " has no http_method:" + method + " registered");
    }

    /** A path this server serves (Swagger UI, the contract) requested with another HTTP method. */
    public static ApiError methodNotAllowedHere(String method) {
        return of(405, -32601, "Method " + method + " not allowed on this path");
    }

    public static ApiError internal() {
        return of(500, -32603, org.clnrest.auth.CallError.INTERNAL_MESSAGE);
    }
}
