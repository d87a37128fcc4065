package org.clnrest.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.auth.RuneCheck;
import org.clnrest.http.format.FormatError;
import org.clnrest.rpc.RpcUnavailable;
import org.clnrest.util.JavaNames;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every refusal and error of the router ends here, as JSON {@code {code, message}}
 * with the status {@link ApiError}'s table gives. Refused runes are logged through a {@link RateLimitedLog} (a
 * flood of junk runes does not flood lightningd's log); anything unexpected is logged once, without a stack
 * trace or a class name, and answered 500.
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    /** Refusals in lightningd's log: the first 10 of each 10 s, then one line that counts the rest. */
    static final long REFUSAL_WINDOW_MS = 10_000;
    static final int REFUSALS_PER_WINDOW = 10;
    private final RateLimitedLog refusals;
    private final io.vertx.core.Vertx vertx;
    private final Cors cors;
    private final long bodyLimit;

    Failures(io.vertx.core.Vertx vertx, Cors cors, long bodyLimit) {
        this.vertx = vertx;
        this.refusals = new RateLimitedLog(vertx, LOG, REFUSAL_WINDOW_MS, false, REFUSALS_PER_WINDOW);
        this.cors = cors;
        this.bodyLimit = bodyLimit;
    }

    /** Route failure handler: {@code ctx.fail(throwable)} and {@code ctx.fail(status)}. */
    void handle(RoutingContext ctx) {
        Throwable f = ctx.failure();
        if (f instanceof ApiError e) {
            send(ctx, e);
        } else if (f instanceof FormatError e) {
            send(ctx, ApiError.format(e));
        } else if (f instanceof RuneCheck.AuthFailure a) {
            CallRequest call = ctx.get(CallRequest.KEY);
            String detail = call == null ? ctx.request().path() + " for rune #" + org.clnrest.auth.RuneId.of(CallRequest.rune(ctx))
                    : call.method() + " for rune #" + call.runeId();
            refusals.log("Refused a REST call (" + detail + "): Error code " + a.error().getValue("code") + ": " + a.error().getString("message"));
            send(ctx, ApiError.auth(a));
        } else if (f instanceof RpcUnavailable u) {
            LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), u.getMessage());
            send(ctx, ApiError.rpcUnavailable(u.getMessage()));
        } else if (f != null) {
            LOG.error("Unexpected failure on {} {}: {}", ctx.request().method(), ctx.request().path(), JavaNames.strip(f.getMessage()));
            send(ctx, ApiError.internal());
        } else {
            byStatus(ctx, ctx.statusCode());
        }
    }

    /** A status without an error (the router's 404/405, Vert.x handlers' failures). */
    void byStatus(RoutingContext ctx, int status) {
        send(ctx, switch (status) {
            case 404 -> ApiError.pathNotFound();
            case 405 -> isRpcMethodPath(ctx.request().path()) ? ApiError.getOnRpcMethod()
                    : ApiError.methodNotAllowedHere(ctx.request().method().name());
            case 413 -> ApiError.bodyTooLarge(bodyLimit);
            case 400 -> ApiError.badRequest("Bad request");
            default -> ApiError.internal();
        });
    }

    /** {@code /v1/<method>}, where anything but POST is upstream's 405 for CLN methods. */
    private static boolean isRpcMethodPath(String path) {
        return path.matches("/v1/[^/]+/?") && !path.startsWith("/v1/list-methods");
    }

    /** The server's invalid-request answers (431 and 400 from the HTTP decoder), in the JSON of every other error. */
    void invalidRequest(HttpServerRequest req) {
        Throwable failure = req.decoderResult().cause();
        ApiError e = failure instanceof TooLongHttpLineException ? ApiError.headersTooLarge("request line")
                : failure instanceof TooLongFrameException ? ApiError.headersTooLarge("headers")
                : ApiError.badRequest("Malformed HTTP request");
        LOG.debug("Invalid HTTP request: {}", failure == null ? "?" : JavaNames.strip(failure.getMessage()));
        cors.headers(req.response(), req.getHeader("Origin"));
        req.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(e.body().toBuffer()).onComplete(v -> LingeringClose.afterBadHead(vertx, req.connection()));
    }

    static void send(RoutingContext ctx, ApiError e) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json").end(e.body().toBuffer());
    }
}
