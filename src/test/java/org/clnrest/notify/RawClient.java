package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;

/**
 * A raw Engine.IO / Socket.IO client for byte-exact tests: the JDK's HttpClient (polling) and WebSocket, over
 * https trusting only the generated {@code ca.pem} (or plain http when the plugin runs with clnrest-protocol=http;
 * {@link #rawRequest} is https only). Every packet is a string the test writes or reads itself.
 */
public final class RawClient {
    static final String PATH = "/socket.io/";
    final Harness h;
    final SSLContext tls;
    final HttpClient http;

    public RawClient(Harness h) throws Exception {
        this.h = h;
        this.tls = h.protocol.equals("https") ? h.trust() : null;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    URI uri(String query) {
        return URI.create(h.protocol + "://localhost:" + h.port + PATH + "?" + query);
    }

    HttpResponse<String> get(String query, String... headers) throws Exception {
        return getAsync(query, headers).get(30, TimeUnit.SECONDS);
    }

    CompletableFuture<HttpResponse<String>> getAsync(String query, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(query)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body, String... headers) throws Exception {
        return send("POST", query, body, headers);
    }

    HttpResponse<String> send(String method, String query, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(query)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A polling handshake; returns the Engine.IO open packet's JSON (sid, upgrades, ...). */
    JsonObject open(String... headers) throws Exception {
        HttpResponse<String> r = get("EIO=4&transport=polling", headers);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("0{"), r.body());
        return new JsonObject(r.body().substring(1));
    }

    static String q(String sid) {
        return "EIO=4&transport=polling&sid=" + sid;
    }

    /** A WebSocket to {@code query}; fails with the handshake's HTTP status when the server refuses it. */
    Ws ws(String query, Map<String, String> headers) throws Exception {
        return wsAt(PATH + "?" + query, headers);
    }

    /** A WebSocket to {@code pathAndQuery} with {@code headers}, offering {@code subprotocols}. */
    public Ws wsAt(String pathAndQuery, Map<String, String> headers, String... subprotocols) throws Exception {
        Ws listener = new Ws();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            listener.socket = b.buildAsync(URI.create((tls != null ? "wss" : "ws") + "://localhost:" + h.port + pathAndQuery), listener)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException w) {
                throw new Refused(w.getResponse().statusCode());
            }
            throw e;
        }
        return listener;
    }

    Ws ws(String query) throws Exception {
        return ws(query, Map.of());
    }

    /** A WebSocket handshake the server answered with an HTTP status instead of 101. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status) {
            super("handshake refused with HTTP " + status);
            this.status = status;
        }
    }

    /** A WebSocket whose incoming messages queue up as strings; {@code close:<code>} when it closes. */
    public static final class Ws implements WebSocket.Listener {
        WebSocket socket;
        final LinkedBlockingQueue<String> in = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        volatile int closeCode = -1;
        volatile String closeReason;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                in.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            in.add("binary:" + data.remaining());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closeCode = code;
            closeReason = reason;
            in.add("close:" + code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            in.add("close:error");
        }

        public void send(String text) {
            socket.sendText(text, true).join();
        }

        /** The next message (pings included), or null after {@code timeout}. */
        String next(Duration timeout) throws InterruptedException {
            return in.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next message that is not an Engine.IO ping; fails after {@code timeout}. */
        public String nextNotPing(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String m = in.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no message within " + timeout);
                }
                if (!m.equals("2")) {
                    return m;
                }
            }
        }

        /** Skip messages until one starts with {@code prefix} and return it; fails after {@code timeout}. */
        public String awaitPrefix(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String m = in.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no message starting with " + prefix + " within " + timeout);
                }
                if (m.startsWith(prefix)) {
                    return m;
                }
            }
        }

        /** Wait for the close (anything else received meanwhile is skipped); the close code, or fails. */
        String awaitClose(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String m = in.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("not closed within " + timeout);
                }
                if (m.startsWith("close:")) {
                    return m;
                }
            }
        }

        void abort() {
            socket.abort();
        }
    }

    /** A raw TLS socket that sends {@code head} (a whole request head) and then whatever the test writes. */
    SSLSocket rawRequest(String head) throws Exception {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", h.port);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    static CompletionException unwrap(Throwable t) {
        return t instanceof CompletionException c ? c : new CompletionException(t);
    }
}
