package org.clnrest.metrics;

import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * Vert.x's metrics SPI, plugged in when Vert.x is created (options arrive only later, at lightningd's init)
 * and empty until {@link #use} hands it the real metrics. Vert.x asks for an HTTP server's metrics when the
 * server is created, which is after init: the REST server and the metrics server get Micrometer's metrics
 * when clnrest-metrics-port is set, and none ({@code null}, Vert.x's "no metrics") otherwise. This class
 * names no Micrometer type, so nothing of Micrometer is loaded while metrics are off.
 */
public final class LazyMetrics implements VertxMetricsFactory, VertxMetrics {
    private volatile VertxMetrics delegate;

    /** One per Vert.x instance, handed to Vert.x at its creation and to the metrics verticle. */
    public LazyMetrics() {}

    /** From now on, servers created get {@code metrics}' meters. */
    void use(VertxMetrics metrics) {
        delegate = metrics;
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        return this;
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
        VertxMetrics d = delegate;
        return d == null ? null : d.createHttpServerMetrics(options, localAddress);
    }

    @Override
    public void close() {
        VertxMetrics d = delegate;
        if (d != null) {
            d.close();
        }
    }
}
