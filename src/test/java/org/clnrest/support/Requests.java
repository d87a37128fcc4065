package org.clnrest.support;

import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * One request through Vert.x's WebClient (a client of {@link Harness#client}), awaited: the REST suites' way to
 * send a request with a rune. The JDK's client has its own in {@link Harness#send}.
 */
public final class Requests {
    private Requests() {}

    /** {@code method path} with {@code headers} and {@code body} (null: none), its answer within 30 s. */
    public static HttpResponse<Buffer> send(WebClient client, HttpMethod method, String path, MultiMap headers, Buffer body)
            throws Exception {
        var req = client.request(method, path).putHeaders(headers);
        var f = body == null ? req.send() : req.sendBuffer(body);
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Headers from name, value pairs; a pair whose value is null is left out (no rune, no content type). */
    public static MultiMap headers(String... kv) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.add(kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
