package org.clnrest.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.regex.Pattern;


import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

import org.clnrest.auth.RuneCheck;
import org.clnrest.bus.Bus;
import org.clnrest.notify.Notifications;
import org.clnrest.paths.DynamicPaths;
import org.clnrest.auth.RuneId;
import org.clnrest.plugin.RestConfig;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcReply;
import org.clnrest.rpc.RpcUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server: a router built contract-first from {@code openapi.yaml} ({@code callRpcMethod},
 * {@code listMethods}), plus the contract itself, the Swagger UI and the error answers for everything else.
 * Config: {@link RestConfig#toJson()}.
 */
public class RestVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(RestVerticle.class);
    /** lightningd method names (and other plugins'): no slashes, dots only inside, no spaces or controls. */
    private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_\\-]*(\\.[A-Za-z0-9_\\-]+)*");
    private static final int MAX_METHOD_NAME = 128;
    /** Calls in flight on one connection, and its idle (or first-head) timer. */
    private static final class ConnectionState {
        int active;
        long timer = -1;
    }

    /** At most this long for a new connection's first request head, whatever the idle timeout. */
    static final int MAX_HEAD_SECONDS = 10;

    private RestConfig config;
    private Rpc rpc;
    private RuneCheck runes;
    private HttpServer server;
    private Buffer contractYaml;
    private JsonObject contractJson;
    private ServedContract served;
    /** Null when clnrest-validate-requests is false. */
    private RequestValidation validation;
    /** Registered dynamic paths: a snapshot replaced on each {@link Bus#PATHS_CHANGED}. */
    private DynamicPaths paths = DynamicPaths.empty();

    @Override
    public void start(Promise<Void> started) {
        config = RestConfig.fromJson(config());
        rpc = new Rpc(vertx.eventBus());
        runes = new RuneCheck(rpc);
        loadContract()
                .compose(c -> followDynamicPaths().map(c))
                .compose(this::buildRouter)
                .compose(this::listen)
                .onSuccess(s -> {
                    server = s;
                    LOG.info("REST server running at {}", config.url());
                    started.complete();
                })
                .onFailure(started::fail);
    }

    // ---- wiring ---------------------------------------------------------------------------------------

    private Future<OpenAPIContract> loadContract() {
        // openapi.yaml is the contract; openapi.json is the generator's JSON rendering of the same document,
        // read here because parsing half a megabyte of YAML would add about half a second to start-up.
        try (InputStream yaml = getClass().getResourceAsStream("/openapi.yaml");
             InputStream json = getClass().getResourceAsStream("/openapi.json")) {
            contractYaml = Buffer.buffer(yaml.readAllBytes());
            contractJson = new JsonObject(Buffer.buffer(json.readAllBytes()));
            served = new ServedContract(contractJson, contractYaml);
            validation = config.validateRequests() ? new RequestValidation(contractJson) : null;
        } catch (IOException | NullPointerException e) {
            return Future.failedFuture(new IllegalStateException("openapi.yaml or openapi.json missing from the jar", e));
        }
        return OpenAPIContract.from(vertx, ContractCopies.forRouter(contractJson));
    }

    /** Take the registry's table now, and every new one it publishes. */
    private Future<Void> followDynamicPaths() {
        vertx.eventBus().<JsonArray>localConsumer(Bus.PATHS_CHANGED, m -> usePaths(DynamicPaths.fromJson(m.body())));
        return vertx.eventBus().<JsonArray>request(Bus.PATHS_LIST, null)
                .onSuccess(m -> usePaths(DynamicPaths.fromJson(m.body())))
                .recover(e -> Future.succeededFuture()) // no registry deployed (tests of this verticle alone)
                .mapEmpty();
    }

    private void usePaths(DynamicPaths table) {
        paths = table;
        served.update(table);
    }

    private Future<Router> buildRouter(OpenAPIContract contract) {
        RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        Cors cors = new Cors(config.csp(), config.corsOrigins());
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimit()).setMergeFormAttributes(false);
        rb.rootHandler(body); // Vert.x wants BODY handlers before USER ones
        // Plugins' paths are matched before every route of the contract, as upstream does.
        rb.rootHandler(this::dynamicPath);
        // Bodies come in four formats the contract loader cannot validate, and the rune check needs the
        // parsed params: this route parses, checks and validates itself.
        rb.getRoute("callRpcMethod").setDoValidation(false).setDoSecurity(false).addHandler(this::callMethod);
        rb.getRoute("listMethods").setDoValidation(false).addHandler(this::listMethods);
        Router router = rb.createRouter();

        // Notifications on this same port and TLS, fed by the broadcaster's once-a-second batches.
        Notifications.mount(vertx, router, runes, cors, config.notificationBuffer(), config.notificationBufferTotal());
        // Ahead of the body handler, for every request: security and CORS headers (and preflights), then
        // multipart bodies, no format of ours, refused before the body handler tries to decode them.
        router.route().order(-9).handler(cors).handler(this::refuseMultipart);

        router.get("/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end(served.json()));
        router.get("/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml").end(served.yaml()));
        SwaggerUi.mount(router, config.swaggerRoot());

        router.errorHandler(404, ctx -> send(ctx, ApiError.pathNotFound()));
        router.errorHandler(405, ctx -> send(ctx, ApiError.getOnRpcMethod()));
        router.errorHandler(413, ctx -> send(ctx, ApiError.bodyTooLarge(config.bodyLimit())));
        router.errorHandler(400, ctx -> send(ctx, ApiError.badRequest("Bad request")));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            send(ctx, ApiError.internal());
        });
        return Future.succeededFuture(router);
    }

    private Future<HttpServer> listen(Router router) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host()).setPort(config.port())
                .setMaxHeaderSize(16 * 1024)
                .setCompressionSupported(false);
        Notifications.serverOptions(options);
        if (config.https()) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setKeyPath(config.certsDir().resolve("server-key.pem").toString())
                            .setCertPath(config.certsDir().resolve("server.pem").toString()))
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        }
        HttpServer http = vertx.createHttpServer(options);
        // Idle connections are closed after clnrest-idle-timeout, but never while a call is in flight: a
        // waitanyinvoice may rightly wait longer (Vert.x's own idle timeout sees only bytes, not calls). A new
        // connection must send its first request head within min(idle timeout, 10 s): a slowloris head trickled
        // a byte at a time is never idle, yet never done.
        long idleMs = config.idleTimeout() * 1000L;
        long headDeadlineMs = Math.min(config.idleTimeout(), MAX_HEAD_SECONDS) * 1000L;
        java.util.Map<io.vertx.core.http.HttpConnection, ConnectionState> connections = new java.util.HashMap<>();
        http.connectionHandler(conn -> {
            ConnectionState st = new ConnectionState();
            connections.put(conn, st);
            st.timer = vertx.setTimer(headDeadlineMs, t -> {
                LOG.debug("Closed a connection that sent no request head within {} ms", headDeadlineMs);
                conn.close();
            });
            conn.closeHandler(v -> {
                connections.remove(conn);
                vertx.cancelTimer(st.timer);
            });
        });
        // The server's invalid-request answers (431 and 400 from the HTTP decoder) in the JSON of every other error.
        http.invalidRequestHandler(this::invalidRequest);
        return http.requestHandler(req -> {
                    io.vertx.core.http.HttpConnection conn = req.connection();
                    ConnectionState st = connections.get(conn);
                    if (st != null) {
                        vertx.cancelTimer(st.timer);
                        st.active++;
                        req.response().endHandler(v -> {
                            if (--st.active == 0 && connections.containsKey(conn)) {
                                st.timer = vertx.setTimer(idleMs, t -> conn.close());
                            }
                        });
                    }
                    router.handle(req);
                }).listen()
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "could not listen on " + config.url() + ": " + e.getMessage(), e)));
    }

    // ---- handlers -----------------------------------------------------------------------------------------

    /** POST /v1/{rpc_method}: parse, check the rune, call, answer. At most two RPC calls. */
    private void callMethod(RoutingContext ctx) {
        String method = ctx.pathParam("rpc_method");
        String rune = ctx.request().getHeader("Rune");
        Formats.Format out;
        Object params;
        try {
            if (method == null || method.length() > MAX_METHOD_NAME || !METHOD_NAME.matcher(method).matches()) {
                throw ApiError.badRequest("Invalid method name");
            }
            if (rune == null || rune.isBlank()) {
                throw ApiError.auth(RuneCheck.missing());
            }
            out = Formats.accept(ctx.request().getHeader("Accept"));
            Formats.Format in = Formats.contentType(ctx.request().getHeader("Content-Type"));
            params = Formats.params(in, ctx.body().buffer(), method);
            if (validation != null && (in == Formats.Format.JSON || in == Formats.Format.YAML)) {
                // XML and form values are all strings (as upstream): lightningd reads numbers from them, the
                // contract's types would not.
                validation.check(method, params);
            }
        } catch (ApiError e) {
            send(ctx, e);
            return;
        }
        callAndAnswer(ctx, runes.check(rune, null, method, params), method, params, RuneId.of(rune), out);
    }

    /** The one tail of every REST call: once the rune check allows it, call the method and answer. */
    private void callAndAnswer(RoutingContext ctx, Future<Void> allowed, String method, Object params, String runeId,
                               Formats.Format out) {
        allowed.compose(ok -> rpc.call(method, params))
                .onSuccess(reply -> answer(ctx, method, runeId, out, reply))
                .onFailure(e -> fail(ctx, method, runeId, e));
    }

    /**
     * A path a plugin registered with clnrest-register-path: captures and body params merged, the rune
     * checked against the route's restrictions (unless it is a rune-free GET), then the route's method.
     */
    private void dynamicPath(RoutingContext ctx) {
        String httpMethod = ctx.request().method().name();
        DynamicPaths.Match match = paths.match(httpMethod, ctx.request().path());
        if (match == null) {
            ctx.next();
            return;
        }
        if (match.methodNotAllowed()) {
            send(ctx, ApiError.methodNotAllowed(match.pathWithoutMethod(), httpMethod));
            return;
        }
        DynamicPaths.Route route = match.route();
        String method = route.rpcMethod();
        String rune = ctx.request().getHeader("Rune");
        Formats.Format out;
        Object params;
        try {
            if (route.runeRequired() && (rune == null || rune.isBlank())) {
                throw ApiError.auth(RuneCheck.missing());
            }
            out = Formats.accept(ctx.request().getHeader("Accept"));
            Formats.Format in = Formats.contentType(ctx.request().getHeader("Content-Type"));
            params = merge(match.captures(), Formats.params(in, ctx.body().buffer(), method));
        } catch (ApiError e) {
            send(ctx, e);
            return;
        }
        String runeId = route.runeRequired() ? RuneId.of(rune) : "none";
        Future<Void> allowed = Future.succeededFuture();
        if (route.runeRequired()) {
            // Restrictions given at registration win; what they leave out is the call itself.
            JsonObject r = route.runeRestrictions() == null ? new JsonObject() : route.runeRestrictions();
            allowed = runes.check(rune, r.getString("nodeid"), r.getString("method", method),
                    r.containsKey("params") ? r.getJsonObject("params") : params);
        }
        callAndAnswer(ctx, allowed, method, params, runeId, out);
    }

    /** Path captures plus body params; a key in both is refused, as upstream does. */
    private static Object merge(JsonObject captures, Object body) {
        if (captures.isEmpty()) {
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
                throw ApiError.duplicateKey(k);
            }
            merged.put(k, named.getValue(k));
        }
        return merged;
    }

    private void answer(RoutingContext ctx, String method, String runeId, Formats.Format out, RpcReply reply) {
        if (reply.isError()) {
            ApiError err = reply.errorCode() == -32601 ? ApiError.unknownCommand(reply.error()) : ApiError.rpcError(reply.error());
            LOG.debug("{} with rune #{}: lightningd error {}", method, runeId, reply.errorCode());
            send(ctx, err);
            return;
        }
        Buffer body;
        try {
            body = Formats.render(out, reply.resultBytes(), method);
        } catch (RuntimeException e) {
            LOG.error("Cannot render the result of {} as {}", method, out, e);
            send(ctx, ApiError.internal());
            return;
        }
        LOG.debug("{} with rune #{}: 201, {} bytes", method, runeId, body.length());
        ctx.response().setStatusCode(201).putHeader("Content-Type", out.mediaType);
        if (body.length() <= WRITE_SLICE) {
            ctx.response().end(body);
        } else {
            ctx.response().putHeader("Content-Length", Integer.toString(body.length()));
            writeSlices(ctx.response(), body, 0);
        }
    }

    /** Large bodies go out a slice at a time, as the client reads: TLS then encrypts only what can be sent. */
    static final int WRITE_SLICE = 256 * 1024;

    private static void writeSlices(io.vertx.core.http.HttpServerResponse res, Buffer body, int from) {
        int at = from;
        while (at < body.length()) {
            if (res.closed()) {
                return; // the client went away: drop the rest
            }
            if (res.writeQueueFull()) {
                int resume = at;
                res.drainHandler(v -> writeSlices(res, body, resume));
                return;
            }
            int to = Math.min(body.length(), at + WRITE_SLICE);
            res.write(body.slice(at, to));
            at = to;
        }
        res.end();
    }

    private void fail(RoutingContext ctx, String method, String runeId, Throwable e) {
        if (e instanceof RuneCheck.AuthFailure f) {
            LOG.info("Refused {} for rune #{}: Error code {}: {}", method, runeId, f.error().getValue("code"), f.error().getString("message"));
            send(ctx, ApiError.auth(f));
        } else if (e instanceof RpcUnavailable u) {
            LOG.warn("{} failed: {}", method, u.getMessage());
            send(ctx, ApiError.rpcUnavailable(u.getMessage()));
        } else {
            LOG.error("Unexpected failure calling {}", method, e);
            send(ctx, ApiError.internal());
        }
    }

    /** GET /v1/list-methods: lightningd's help as HTML, one block per command. */
    private void listMethods(RoutingContext ctx) {
        rpc.call("help", new JsonObject()).onComplete(ar -> {
            if (ar.failed()) {
                send(ctx, ApiError.rpcUnavailable(ar.cause().getMessage()));
            } else if (ar.result().isError()) {
                send(ctx, ApiError.rpcError(ar.result().error()));
            } else {
                JsonArray help = ar.result().resultObject().getJsonArray("help", new JsonArray());
                ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8")
                        .end(ListMethodsPage.render(help));
            }
        });
    }

    private void invalidRequest(io.vertx.core.http.HttpServerRequest req) {
        var failure = req.decoderResult().cause();
        ApiError e = failure instanceof io.netty.handler.codec.http.TooLongHttpLineException ? ApiError.headersTooLarge("request line")
                : failure instanceof io.netty.handler.codec.TooLongFrameException ? ApiError.headersTooLarge("headers")
                : ApiError.badRequest("Malformed HTTP request");
        LOG.debug("Invalid HTTP request: {}", failure == null ? "?" : failure.getMessage());
        req.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(e.body().toBuffer()).onComplete(v -> req.connection().close());
    }

    private static final Set<io.vertx.core.http.HttpMethod> FORM_METHODS = Set.of(io.vertx.core.http.HttpMethod.POST,
            io.vertx.core.http.HttpMethod.PUT, io.vertx.core.http.HttpMethod.PATCH, io.vertx.core.http.HttpMethod.DELETE);

    private void refuseMultipart(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String t = type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("multipart/")) {
            send(ctx, ApiError.unsupportedContentType(type));
            return;
        }
        if (t.startsWith("application/x-www-form-urlencoded") && !FORM_METHODS.contains(ctx.request().method())) {
            // Vert.x's body handler throws on a form body with GET; such a body is read as JSON, like any other.
            ctx.request().headers().remove("Content-Type");
        }
        ctx.next();
    }

    static void send(RoutingContext ctx, ApiError e) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json").end(e.body().toBuffer());
    }

    @Override
    public void stop(Promise<Void> stopped) {
        if (server == null) {
            stopped.complete();
        } else {
            server.shutdown().onComplete(ar -> stopped.complete());
        }
    }
}
