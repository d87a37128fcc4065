package org.clnrest.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import org.clnrest.bus.Bus;
import org.clnrest.net.ConnectionGate;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics (made by name, only when clnrest-metrics-port is set, so that no Micrometer class loads otherwise): a Micrometer registry for
 * Vert.x's own HTTP server metrics (through {@link LazyMetrics}) and this plugin's {@link Stats}, served as
 * {@code GET /metrics} over plain HTTP on its own address (default 127.0.0.1), away from the REST port.
 * Config: {@code {host, port}}. Deployed before the RPC client and the REST server, so both are measured.
 */
public class MetricsVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);
    /** Histogram buckets of every timer: 0.5 ms to 10 s. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    /** Connections the metrics server keeps at once: a Prometheus or two, and strangers where it is reachable. */
    static final int MAX_CONNECTIONS = 64;
    /** How long a connection may stay idle, and how long one may take before Vert.x hears of it. */
    static final int IDLE_SECONDS = 60;
    static final long HELLO_MS = 10_000;

    private final LazyMetrics vertxMetrics;
    private final Metrics metrics;
    private final ConnectionGate gate;
    private PrometheusMeterRegistry registry;
    private HttpServer server;

    /**
     * {@code vertxMetrics}: the SPI Vert.x was created with; {@code metrics}: where the plugin's counters are read;
     * {@code gate}: the one Vert.x's transport asks at each accept for this server's port (configured here).
     */
    public MetricsVerticle(LazyMetrics vertxMetrics, Metrics metrics, ConnectionGate gate) {
        this.vertxMetrics = vertxMetrics;
        this.metrics = metrics;
        this.gate = gate;
    }

    @Override
    public void start(Promise<Void> started) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(histograms());
        MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .addLabels(Label.LOCAL).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
                .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS);
        vertxMetrics.use(new MicrometerMetricsFactory(registry).metrics(new VertxOptions().setMetricsOptions(options)));
        directMemory(registry);
        MicrometerStats stats = new MicrometerStats(registry);
        metrics.install(stats);
        vertx.eventBus().localConsumer(Bus.NOTIFICATION, m -> stats.received.increment());
        vertx.eventBus().<JsonArray>localConsumer(Bus.NOTIFICATION_BATCH, m -> stats.broadcast.increment(m.body().size()));
        String host = config().getString("host");
        int port = config().getInteger("port");
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/metrics";
        // Plain http with no authorisation: every client is a stranger, capped from its accept (the oldest one Vert.x
        // has heard of is closed for a newcomer), and an idle one closed (a scraper connects again at its next scrape).
        gate.guard(port, MAX_CONNECTIONS, HELLO_MS, false, new RateLimitedLog(vertx, LOG, 10_000, true));
        vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setMaxHeaderSize(8 * 1024).setIdleTimeout(IDLE_SECONDS))
                .connectionHandler(c -> gate.known(c.remoteAddress()))
                .requestHandler(this::handle)
                .listen()
                .onSuccess(s -> {
                    server = s;
                    LOG.info("Metrics at {}", url);
                    started.complete();
                })
                .onFailure(e -> started.fail("could not listen on " + url + " (metrics): " + e.getMessage()));
    }

    /**
     * Netty's direct memory, as its own allocator counts it against io.netty.maxDirectMemory (the launcher makes netty
     * allocate it itself: the JDK's {@code jvm_buffer_*} gauges do not see it then). What slow readers make the plugin
     * hold beyond its heap: TLS records and frames waiting in outbound buffers (docs/security.md).
     */
    private static void directMemory(PrometheusMeterRegistry registry) {
        Gauge.builder("clnrest.netty.direct.memory.used", () -> PlatformDependent.usedDirectMemory()).baseUnit("bytes")
                .description("Direct memory netty has allocated (its pools' chunks included)").register(registry);
        Gauge.builder("clnrest.netty.direct.memory.max", () -> PlatformDependent.maxDirectMemory()).baseUnit("bytes")
                .description("io.netty.maxDirectMemory: past it an allocation fails and its connection is closed").register(registry);
    }

    /** Every timer a Prometheus histogram with {@link #BUCKETS}. */
    private static MeterFilter histograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() != Meter.Type.TIMER) {
                    return config;
                }
                double[] slos = new double[BUCKETS.length];
                for (int i = 0; i < slos.length; i++) {
                    slos[i] = BUCKETS[i].toNanos();
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(slos).build().merge(config);
            }
        };
    }

    /** GET /metrics: the scrape, rendered off the event loop; anything else 404/405. */
    private void handle(HttpServerRequest req) {
        if (!req.path().equals("/metrics")) {
            req.response().setStatusCode(404).end();
        } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().setStatusCode(405).putHeader("Allow", "GET").end();
        } else {
            vertx.executeBlocking(() -> registry.scrape(), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
                } else {
                    req.response().setStatusCode(500).end();
                }
            });
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
