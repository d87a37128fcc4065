package org.clnrest.http;

import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.auth.RuneCheck;
import org.clnrest.http.format.Format;
import org.clnrest.paths.DynamicPaths;
import org.clnrest.rpc.Rpc;

/**
 * The two ways to call lightningd over REST, and their one tail: POST /v1/{rpc_method} and the paths plugins
 * registered. Nothing costly happens before the rune is checked: a missing rune is refused before the body is
 * parsed, the parsed params are bounded ({@link org.clnrest.http.format.ParamsBudget}, {@link RequestBudget}),
 * and the typed contract, when clnrest-validate-requests is on, judges them only after checkrune has allowed
 * the call. Every refusal goes to {@code ctx.fail} and from there to {@link Failures}.
 */
final class Calls {
    /** lightningd method names (and other plugins'): no slashes, dots only inside, no spaces or controls. */
    private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_\\-]*(\\.[A-Za-z0-9_\\-]+)*");
    private static final int MAX_METHOD_NAME = 128;

    private final Vertx vertx;
    /**
     * Parsing large bodies and rendering large replies: on worker threads, never the event loop, and on one core less
     * than the machine has, so that the event loop always keeps one (30 YAML renders at once on the 4-thread worker
     * pool of a 2-core machine held a good getinfo 2.8 s).
     */
    private final WorkerExecutor cpu;
    private final Rpc rpc;
    private final RuneCheck runes;
    private final RequestBudget budget;
    /** Null when clnrest-validate-requests is off. */
    private final RequestValidation validation;
    private final Supplier<DynamicPaths> paths;

    Calls(Vertx vertx, Rpc rpc, RuneCheck runes, RequestBudget budget, RequestValidation validation, Supplier<DynamicPaths> paths) {
        this.vertx = vertx;
        this.cpu = vertx.createSharedWorkerExecutor("clnrest-cpu", Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
        this.rpc = rpc;
        this.runes = runes;
        this.budget = budget;
        this.validation = validation;
        this.paths = paths;
    }

    /** POST /v1/{rpc_method}: at most two RPC calls, checkrune {rune, method, params} and the method. */
    void handleRpcMethod(RoutingContext ctx) {
        String method = ctx.pathParam("rpc_method");
        if (method == null || method.length() > MAX_METHOD_NAME || !METHOD_NAME.matcher(method).matches()) {
            ctx.fail(ApiError.badRequest("Invalid method name"));
            return;
        }
        String rune = CallRequest.rune(ctx);
        if (rune == null) {
            ctx.fail(ApiError.auth(RuneCheck.missing()));
            return;
        }
        CallRequest.read(cpu, ctx, method, null, budget)
                .compose(call -> runes.check(rune, null, method, call.params()).map(call))
                .andThen(ar -> authorisedIf(ctx, ar.succeeded()))
                .compose(this::validated)
                .onSuccess(call -> callAndAnswer(ctx, call))
                .onFailure(ctx::fail);
    }

    /**
     * A path a plugin registered: captures and body params merged, the rune checked against the route's
     * restrictions (what they leave out is the call itself), unless it is a rune-free GET.
     */
    void handleDynamicPath(RoutingContext ctx) {
        String httpMethod = ctx.request().method().name();
        DynamicPaths.Match match = paths.get().match(httpMethod, ctx.request().path());
        if (match == null) {
            ctx.next();
            return;
        }
        if (match.methodNotAllowed()) {
            ctx.fail(ApiError.methodNotAllowed(match.requestedPath(), httpMethod));
            return;
        }
        DynamicPaths.Route route = match.route();
        String rune = CallRequest.rune(ctx);
        if (route.runeRequired() && rune == null) {
            ctx.fail(ApiError.auth(RuneCheck.missing()));
            return;
        }
        JsonObject r = route.runeRestrictions() == null ? new JsonObject() : route.runeRestrictions();
        CallRequest.read(cpu, ctx, route.rpcMethod(), match.captures(), budget)
                .compose(call -> !route.runeRequired() ? Future.succeededFuture(call)
                        : runes.check(rune, r.getString("nodeid"), r.getString("method", route.rpcMethod()),
                                r.containsKey("params") ? r.getJsonObject("params") : call.params()).map(call)
                                .andThen(ar -> authorisedIf(ctx, ar.succeeded())))
                .onSuccess(call -> callAndAnswer(ctx, call))
                .onFailure(ctx::fail);
    }

    /** A call whose rune passed earns its connection the long idle timeout ({@link ConnectionGuard}). */
    private static void authorisedIf(RoutingContext ctx, boolean passed) {
        if (passed) {
            ConnectionGuard.authorised(ctx);
        }
    }

    /** The typed contract's check, after the rune's (JSON and YAML bodies only: XML and form values are strings). */
    private Future<CallRequest> validated(CallRequest call) {
        if (validation != null && call.in().typed()) {
            try {
                validation.check(call.method(), call.params());
            } catch (ApiError e) {
                return Future.failedFuture(e);
            }
        }
        return Future.succeededFuture(call);
    }

    private void callAndAnswer(RoutingContext ctx, CallRequest call) {
        // A JSON result passes through untouched: a large one may then stream from lightningd to the client.
        (call.out() == Format.JSON ? rpc.callStreaming(call.method(), call.params()) : rpc.call(call.method(), call.params()))
                .onSuccess(reply -> ReplyWriter.answer(cpu, ctx, call, reply))
                .onFailure(ctx::fail);
    }
}
