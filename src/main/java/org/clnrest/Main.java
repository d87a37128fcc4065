package org.clnrest;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;

import org.clnrest.bus.Bus;
import org.clnrest.connect.ConnectUriVerticle;
import org.clnrest.http.Contract;
import org.clnrest.http.RestVerticle;
import org.clnrest.metrics.LazyMetrics;
import org.clnrest.metrics.Metrics;
import org.clnrest.net.ConnectionGate;
import org.clnrest.net.GatedTransport;
import org.clnrest.notify.NotificationBroadcaster;
import org.clnrest.paths.PathRegistryVerticle;
import org.clnrest.plugin.Env;
import org.clnrest.plugin.HeapGiveBack;
import org.clnrest.plugin.LightningdLogAppender;
import org.clnrest.plugin.Options;
import org.clnrest.plugin.PluginVerticle;
import org.clnrest.plugin.RestConfig;
import org.clnrest.plugin.StdioChannel;
import org.clnrest.rpc.Rpc;
import org.clnrest.rpc.RpcClientVerticle;
import org.clnrest.tls.CertificateStore;
import org.clnrest.tls.ServerCertificate;
import org.clnrest.tls.ServerNames;
import org.clnrest.tls.ServerTls;
import org.clnrest.util.JavaNames;
import org.clnrest.util.Uptime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point. As a lightningd plugin (the default) it deploys the stdio bridge, and on lightningd's init
 * the RPC client, the HTTP router and the notification broadcaster. {@code --demo} runs the embedded
 * demo node instead (a simulated lightningd that starts this same program as its plugin).
 */
public final class Main {
    // Not static: logging must not start before main() has captured stdout for the protocol.
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** How long to wait for cln-grpc's identity when cln-grpc runs and ours is missing. */
    static final Duration GRPC_CERT_WAIT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final ConnectionGate gate;
    private final ConnectionGate metricsGate;
    private final LazyMetrics vertxMetrics;
    private final Contract.Preload contract;
    /** The plugin's counters: empty unless init turns metrics on (the metrics verticle fills it). */
    private final Metrics metrics = new Metrics();
    private final RpcClientVerticle rpcClient = new RpcClientVerticle(metrics);
    private final Rpc rpc;
    private volatile boolean exiting;

    private Main(Vertx vertx, ConnectionGate gate, ConnectionGate metricsGate, LazyMetrics vertxMetrics) {
        this.vertx = vertx;
        this.gate = gate;
        this.metricsGate = metricsGate;
        this.vertxMetrics = vertxMetrics;
        this.contract = Contract.preload(vertx); // read and loaded while lightningd sends getmanifest and init
        this.rpc = new Rpc(vertx.eventBus(), rpcClient);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--demo")) {
            demo(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        StdioChannel out;
        try {
            out = StdioChannel.capture(); // before anything can print
            LightningdLogAppender.connect(out);
        } catch (java.io.IOException e) {
            System.err.println("clnrest-vertx: cannot open lightningd's channel: " + e.getMessage());
            System.exit(1);
            return;
        }
        ServerTls.preload(); // BoringSSL loads while Vert.x starts and lightningd sends init
        HeapGiveBack.start();
        // The metrics SPI is plugged in now (Vert.x takes it only at creation) and stays empty unless init turns
        // metrics on: no Micrometer class is loaded while clnrest-metrics-port is unset.
        // The REST server's connections are counted from their accept, by the transport (Vert.x takes it only at creation).
        ConnectionGate gate = new ConnectionGate();
        ConnectionGate metricsGate = new ConnectionGate(); // the metrics server's, when clnrest-metrics-port is set
        LazyMetrics vertxMetrics = new LazyMetrics();
        Vertx vertx = Vertx.builder().with(new VertxOptions().setWorkerPoolSize(4).setInternalBlockingPoolSize(4)
                .setEventLoopPoolSize(Env.eventLoops()).setMetricsOptions(new MetricsOptions().setEnabled(true)))
                .withMetrics(vertxMetrics).withTransport(new GatedTransport(gate, metricsGate)).build();
        Uptime.log(LOG, "Vert.x up");
        Main main = new Main(vertx, gate, metricsGate, vertxMetrics);
        vertx.eventBus().<JsonObject>consumer(Bus.PLUGIN_INIT, main::onInit);
        vertx.deployVerticle(new PathRegistryVerticle())
                .compose(id -> vertx.deployVerticle(new PluginVerticle(System.in, out, main::exit,
                        List.of(PathRegistryVerticle.REGISTER_PATH, ConnectUriVerticle.METHOD))))
                .onFailure(e -> {
                    LOG.error("Cannot start the plugin bridge", e);
                    System.exit(1);
                });
    }

    /**
     * The embedded demo ({@code --demo}): the simulated lightningd of {@code org.clnrest.demo}, which ships in
     * the jar for this alone and which no plugin package imports; loaded by name so the plugin never links it.
     */
    private static void demo(String[] args) throws Exception {
        Class.forName("org.clnrest.demo.DemoNode").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    /** lightningd's init: validate, then bring up RPC, TLS identity and HTTP; answer {} or {disable}. */
    private void onInit(Message<JsonObject> msg) {
        Options.Result result = Options.validate(msg.body().getJsonObject(Bus.F_OPTIONS), msg.body().getJsonObject(Bus.F_CONFIGURATION));
        if (result.disableReason() != null) {
            msg.reply(disable(result.disableReason()));
            return;
        }
        RestConfig config = result.config();
        Uptime.log(LOG, "init");
        JsonObject rpcConf = new JsonObject().put("rpcFile", config.rpcFile().toString());
        // By name, first: Micrometer is loaded only when metrics are on, and then measures what follows.
        (config.metrics() == null ? Future.succeededFuture("")
                : deployByName("org.clnrest.metrics.MetricsVerticle", config.metrics(), vertxMetrics, metrics, metricsGate))
                .compose(id -> vertx.deployVerticle(rpcClient, new DeploymentOptions().setConfig(rpcConf)))
                // The identity also serves the cluster's TLS (client.pem, ca.pem), even when REST is plain http.
                .compose(id -> config.https() || config.clusterTls() ? tlsIdentity(config) : Future.succeededFuture())
                .onSuccess(v -> Uptime.log(LOG, "TLS identity ready"))
                .compose(v -> vertx.deployVerticle(new NotificationBroadcaster()))
                .compose(v -> vertx.deployVerticle(new RestVerticle(gate, contract, rpc, metrics), new DeploymentOptions().setConfig(config.toJson())))
                .compose(v -> vertx.deployVerticle(new ConnectUriVerticle(rpc), new DeploymentOptions().setConfig(config.toJson())))
                // By name: the cluster classes (Hazelcast) are loaded only when clustering is on.
                .compose(id -> config.cluster() == null ? Future.succeededFuture(id)
                        : deployByName("org.clnrest.cluster.ClusterVerticle", config.cluster(), rpc))
                .onSuccess(id -> {
                    Uptime.log(LOG, "REST server up");
                    msg.reply(new JsonObject());
                })
                .onFailure(e -> {
                    LOG.error("Cannot start: {}", e.getMessage());
                    msg.reply(disable(e.getMessage()));
                });
    }

    /**
     * Deploy the verticle class {@code name}, made with {@code collaborators} (one constructor taking their classes):
     * by name, so that its libraries (Micrometer, Hazelcast) load only when it is deployed.
     */
    private Future<String> deployByName(String name, JsonObject config, Object... collaborators) {
        try {
            Class<?>[] types = Arrays.stream(collaborators).map(Object::getClass).toArray(Class<?>[]::new);
            Deployable v = (Deployable) Class.forName(name).getConstructor(types).newInstance(collaborators);
            return vertx.deployVerticle(v, new DeploymentOptions().setConfig(config));
        } catch (ReflectiveOperationException e) {
            return Future.failedFuture(new IllegalStateException("cannot make " + name + ": " + e.getMessage(), e));
        }
    }

    private static JsonObject disable(String reason) {
        return new JsonObject().put(Bus.F_DISABLE, reason);
    }

    /**
     * The six PEM files: reused, or generated. cln-grpc writes the same files in the same default place at
     * start-up; when it runs (grpc-port is set) and files are missing, give it a moment to finish first.
     */
    private Future<Void> tlsIdentity(RestConfig config) {
        Future<Boolean> grpcRuns = CertificateStore.complete(config.certsDir())
                ? Future.succeededFuture(false)
                : rpc.call("listconfigs", new JsonObject().put("config", "grpc-port"), 5_000)
                        .map(r -> !r.isError() && r.resultObject().getJsonObject("configs", new JsonObject()).containsKey("grpc-port"))
                        .otherwise(false);
        Set<String> names = ServerNames.of(config.get(Options.HOST), config.extraServerNames());
        return grpcRuns.compose(wait -> vertx.executeBlocking(() -> {
            CertificateStore.Outcome o = CertificateStore.ensure(config.certsDir(), ServerNames.generalNames(names),
                    wait ? GRPC_CERT_WAIT : Duration.ZERO);
            LOG.info("{} the TLS identity in {}", o == CertificateStore.Outcome.REUSED ? "Using" : "Generated", config.certsDir());
            if (o == CertificateStore.Outcome.REUSED) {
                renewServerCertificate(config, names);
            }
            return null;
        })).recover(e -> Future.failedFuture(new IllegalStateException(
                "cannot create the TLS identity in " + config.certsDir() + ": " + e.getMessage(), e))).mapEmpty();
    }

    /** server.pem re-issued by the same CA when its names changed or it expires soon; a failure leaves it as it was. */
    private void renewServerCertificate(RestConfig config, Set<String> names) {
        try {
            ServerCertificate.Renewal r = ServerCertificate.check(config.certsDir(), names, !config.extraServerNames().isEmpty());
            if (r.renewed()) {
                LOG.info("Renewed the server certificate (same CA and key): {}", r.why());
            }
        } catch (Exception e) {
            LOG.warn("Cannot renew the server certificate in {}: {}", config.certsDir(), JavaNames.strip(e.getMessage()));
        }
    }

    /** shutdown or EOF: stop taking work, let in-flight requests finish briefly, exit 0. */
    private void exit() {
        if (exiting) {
            return;
        }
        exiting = true;
        vertx.eventBus().publish(Bus.PLUGIN_STOPPING, new JsonObject());
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(Env.exitDeadlineMs()); // a hard deadline: lightningd expects the plugin gone promptly
            } catch (InterruptedException ignored) {
                // exit now
            }
            Runtime.getRuntime().halt(0);
        }, "exit-deadline");
        killer.setDaemon(true);
        killer.start();
        vertx.close().onComplete(ar -> System.exit(0));
    }
}
