package org.clnrest.http;

import java.util.Set;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

import org.clnrest.auth.RuneCheck;
import org.clnrest.bus.Bus;
import org.clnrest.metrics.Metrics;
import org.clnrest.net.ConnectionGate;
import org.clnrest.notify.Notifications;
import org.clnrest.paths.DynamicPaths;
import org.clnrest.plugin.Options;
import org.clnrest.plugin.RestConfig;
import org.clnrest.rpc.Rpc;
import org.clnrest.tls.ServerTls;
import org.clnrest.util.RateLimitedLog;
import org.clnrest.util.Uptime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server on clnrest-port: a router built contract-first from {@code openapi.yaml} (POST
 * /v1/{rpc_method}, GET /v1/list-methods), the paths plugins registered, the contract and Swagger UI, and the
 * notifications (Socket.IO) on the same port. A request meets, in {@link RouteOrder}: the connection guard
 * and its canonical path, security headers and CORS, the notification transports, the body reader, the
 * dynamic paths, then the contract's routes; every failure ends in {@link Failures}.
 * Config: {@link RestConfig#toJson()}.
 */
public class RestVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(RestVerticle.class);
    /** HTTP/2 streams one connection may have open at once. */
    static final int MAX_STREAMS = 32;

    private RestConfig config;
    private final Rpc rpc;
    private RuneCheck runes;
    private ServedContract served;
    private RequestValidation validation;
    private ConnectionGuard guard;
    static final long TLS_HANDSHAKE_SECONDS = 5;
    private Failures failures;
    private HttpServer server;
    private final ConnectionGate gate;
    private final Contract.Preload contract;
    private final Metrics metrics;
    /** Registered dynamic paths: a snapshot replaced on each {@link Bus#PATHS_CHANGED}. */
    private DynamicPaths paths = DynamicPaths.empty();

    /**
     * @param gate     the one the Vert.x instance's transport asks at each accept ({@link org.clnrest.net.GatedTransport})
     * @param contract the contract, loading since the process started
     * @param rpc      lightningd's RPC (direct calls on the RPC client's event loop)
     * @param metrics  the counters in use (read at start: the metrics verticle, when on, has started before)
     */
    public RestVerticle(ConnectionGate gate, Contract.Preload contract, Rpc rpc, Metrics metrics) {
        this.gate = gate;
        this.contract = contract;
        this.rpc = rpc;
        this.metrics = metrics;
    }

    @Override
    public void start(Promise<Void> started) {
        config = RestConfig.fromJson(config());
        runes = new RuneCheck(rpc);
        contract.contract().compose(this::serve)
                .onSuccess(s -> {
                    server = s;
                    LOG.info("REST server running at {}", config.url());
                    started.complete();
                })
                .onFailure(started::fail);
    }

    /** The handlers around the contract, the router from it (once the dynamic paths are known), then listen. */
    private Future<HttpServer> serve(Contract contract) {
        Uptime.log(LOG, "contract read");
        served = new ServedContract(vertx, contract);
        validation = config.get(Options.VALIDATE_REQUESTS) ? new RequestValidation(contract.json) : null;
        gate.guard(config.port(), OpenFiles.connectionCap(config.get(Options.MAX_CONNECTIONS).intValue()),
                ConnectionGuard.MAX_HEAD_MS, false, new RateLimitedLog(vertx, LOG, 10_000, true));
        guard = new ConnectionGuard(vertx, config.get(Options.IDLE_TIMEOUT), config.get(Options.BODY_TIMEOUT), gate);
        Cors cors = new Cors(config.get(Options.CSP), config.get(Options.CORS_ORIGINS));
        failures = new Failures(vertx, cors, config.get(Options.BODY_LIMIT));
        return followDynamicPaths()
                .compose(v -> this.contract.forRouter())
                .onSuccess(c -> Uptime.log(LOG, "router contract loaded"))
                .map(c -> router(c, cors))
                .compose(this::listen);
    }

    /** The bus: the registry's table now ({@link Bus#PATHS_LIST}), and every new one it publishes. */
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

    private Router router(OpenAPIContract contract, Cors cors) {
        RequestBudget budget = new RequestBudget(config.get(Options.REQUEST_MEMORY));
        Calls calls = new Calls(vertx, rpc, runes, budget, validation, () -> paths);

        RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        // Bodies come in four formats the contract loader cannot validate, and the rune check needs the parsed
        // params: the call route parses, checks and (when asked) validates itself.
        rb.getRoute("callRpcMethod").setDoValidation(false).setDoSecurity(false).addHandler(calls::handleRpcMethod);
        rb.getRoute("listMethods").setDoValidation(false).addHandler(ListMethodsPage.handler(rpc));
        Router router = rb.createRouter();

        io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> timing = metrics.stats().restHandler();
        if (timing != null) {
            router.route().order(RouteOrder.METRICS).handler(timing);
        }
        router.route().order(RouteOrder.CANONICAL).handler(guard::onRouted).handler(CanonicalPath::reroute)
                .failureHandler(failures::handle);
        router.route().order(RouteOrder.SECURITY).handler(cors);
        // Notifications (Socket.IO, plain WebSocket) on this same port and TLS, fed by the broadcaster's
        // once-a-second batches on the bus.
        Notifications notifications = Notifications.create(vertx, runes,
                config.get(Options.NOTIFICATION_BUFFER), config.get(Options.NOTIFICATION_BUFFER_TOTAL),
                metrics.stats().notifications());
        notifications.routes().forEach((path, handler) -> router.route(path).order(RouteOrder.NOTIFICATIONS).handler(handler));
        vertx.eventBus().<JsonArray>localConsumer(Bus.NOTIFICATION_BATCH, m -> notifications.broadcast(m.body()));
        Health health = new Health(rpc);
        router.route(HttpMethod.GET, "/health").order(RouteOrder.HEALTH).handler(health::handle);
        router.route(HttpMethod.HEAD, "/health").order(RouteOrder.HEALTH).handler(health::handle);
        router.route("/health").order(RouteOrder.HEALTH)
                .handler(ctx -> ctx.fail(ApiError.methodNotAllowedHere(ctx.request().method().name())));
        router.route().order(RouteOrder.BODY).handler(new BodyReader(config.get(Options.BODY_LIMIT), budget));
        router.route().order(RouteOrder.DYNAMIC_PATHS).handler(calls::handleDynamicPath);
        SwaggerUi.mount(router, config.get(Options.SWAGGER_ROOT), served);
        for (int status : new int[]{400, 404, 405, 413, 500}) {
            router.errorHandler(status, ctx -> failures.byStatus(ctx, status));
        }
        return router;
    }

    private Future<HttpServer> listen(Router router) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.get(Options.HOST)).setPort(config.port())
                .setMaxHeaderSize(16 * 1024)
                .setCompressionSupported(false)
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_STREAMS));
        Notifications.serverOptions(options);
        if (config.https()) {
            try {
                // A stranger's TLS handshake holds a descriptor (counted by the gate from the accept): 5 s at most.
                options.setSsl(true).setSslHandshakeTimeout(TLS_HANDSHAKE_SECONDS)
                        .setKeyCertOptions(ServerTls.keyCert(config.certsDir()))
                        .setSslEngineOptions(ServerTls.engine())
                        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                return Future.failedFuture(new IllegalStateException("cannot read the TLS identity in " + config.certsDir() + ": "
                        + e.getMessage(), e));
            }
        }
        return vertx.createHttpServer(options)
                .connectionHandler(guard::onConnection)
                .invalidRequestHandler(failures::invalidRequest)
                .requestHandler(req -> {
                    guard.onRequest(req);
                    router.handle(req);
                })
                .listen()
                .recover(e -> Future.failedFuture(new IllegalStateException(
                        "could not listen on " + config.url() + ": " + e.getMessage(), e)));
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
