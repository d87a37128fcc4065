package org.clnrest.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, item 4 for HTTP/2: with {@code clnrest-protocol=http} the server also speaks HTTP/2 with prior
 * knowledge (h2c), where a request is a stream; a stream whose body never ends (no END_STREAM) is reset at
 * the body deadline, while other streams and connections are served.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostileHttp2IT {
    static final int BODY_TIMEOUT = 3;

    @Test
    void anHttp2StreamWithoutItsEndIsReset() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Harness plain = Harness.start(b -> b.option("clnrest-protocol", "http").option("clnrest-body-timeout", BODY_TIMEOUT))) {
            String rune = plain.node.createRune(null);
            HttpClient h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            assertEquals(201, getinfo(h2c, plain.port, rune), "a first call warms the plugin up (cold start is not this test's subject)");
            long t0 = System.nanoTime();
            var open = h2c.request(HttpMethod.POST, plain.port, "127.0.0.1", "/v1/getinfo")
                    .compose(req -> {
                        req.putHeader("Rune", "x").putHeader("Content-Length", "15000000");
                        req.write(Buffer.buffer("{\"a\":")); // and never END_STREAM
                        return req.response().map(r -> "status " + r.statusCode());
                    })
                    .recover(e -> Future.succeededFuture("reset: " + e.getClass().getSimpleName()))
                    .toCompletionStage().toCompletableFuture();
            // Meanwhile, another stream on the same kind of connection is served at once.
            long t1 = System.nanoTime();
            assertEquals(201, getinfo(h2c, plain.port, rune));
            assertTrue(System.nanoTime() - t1 < 1_000_000_000L, "served within 1 s beside the open stream");

            String outcome = open.get(BODY_TIMEOUT + 15, TimeUnit.SECONDS);
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(outcome.startsWith("reset") || outcome.equals("status 408"), outcome);
            assertTrue(seconds < BODY_TIMEOUT + 10, "cut at the body deadline: " + seconds + " s");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static int getinfo(HttpClient h2c, int port, String rune) throws Exception {
        return h2c.request(HttpMethod.POST, port, "127.0.0.1", "/v1/getinfo")
                .compose(req -> req.putHeader("Rune", rune).send()).map(r -> r.statusCode())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
