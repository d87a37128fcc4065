package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import org.clnrest.support.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BodyReader and RequestBudget on a real Vert.x server (one verticle: one event loop owns the budget, as in the
 * plugin), reached by the JDK's HTTP client: the body limit (413), the shared budget (503), multipart (406),
 * the body whole in the next handler (none, or after 100-continue), a refusal ending the connection, and every
 * byte given back when the request ends, its client gone mid-body included.
 */
class BodyReaderTest {
    static final int LIMIT = 1000;
    static final int BUDGET = 1400;
    static Vertx vertx;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** /echo answers "length held" (the budget seen while the request is served); /held the budget between requests. */
    static final class Server extends AbstractVerticle {
        @Override
        public void start(Promise<Void> started) {
            RequestBudget budget = new RequestBudget(BUDGET);
            Router router = Router.router(vertx);
            router.route().handler(new BodyReader(LIMIT, budget));
            router.post("/echo").handler(ctx -> ctx.response().end(ctx.body().length() + " " + budget.held()));
            router.get("/held").handler(ctx -> ctx.response().end(Long.toString(budget.held())));
            router.route().failureHandler(ctx -> ctx.response().setStatusCode(ctx.failure() instanceof ApiError e ? e.status() : 500)
                    .end(ctx.failure() instanceof ApiError e ? e.body().encode() : "unexpected"));
            vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> {
                port = s.actualPort();
                started.complete();
            }).onFailure(started::fail);
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        vertx.deployVerticle(new Server()).await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    static HttpResponse<String> post(HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo")).POST(body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body without Content-Length, in chunks of 100 bytes: read as it arrives, not refused up front. */
    static HttpRequest.BodyPublisher chunked(int length) {
        return HttpRequest.BodyPublishers.ofByteArrays(Collections.nCopies(length / 100, new byte[100]));
    }

    static String held() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls the server's budget until it shows {@code expected}: there is no event for "bytes charged". */
    static void awaitHeld(String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String now;
        while (!(now = held()).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the budget holds " + now + ", not " + expected);
            }
            Thread.sleep(10); // polling interval of the condition above
        }
    }

    @Test
    void aBodyUpToTheLimitArrivesWholeAndIsChargedWhileServed() throws Exception {
        for (HttpRequest.BodyPublisher body : List.of(HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT]), chunked(LIMIT))) {
            HttpResponse<String> r = post(body);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(LIMIT + " " + LIMIT, r.body(), "the whole body, and it held its bytes of the budget");
            assertEquals("0", held(), "given back when the request ended");
        }
    }

    @Test
    void aDeclaredLengthPastTheLimitIsRefusedBeforeReading() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT + 1]));
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("close", r.headers().firstValue("Connection").orElse(null), "the rest of the body is not wanted");
        assertEquals("0", held());
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsRefused() throws Exception {
        HttpResponse<String> r = post(chunked(LIMIT + 100));
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("0", held(), "what it held until refused is given back");
    }

    @Test
    void multipartIsNoFormatOfOurs() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofString("--x--"), "Content-Type", "multipart/form-data; boundary=x");
        assertEquals(406, r.statusCode(), r.body());
    }

    @Test
    void aRequestThatWouldPassTheSharedBudgetGets503() throws Exception {
        // LIMIT / 2 + LIMIT > BUDGET: a body of the limit cannot be held beside half of one still in flight.
        // A raw client: the first request's body in two chunks, the second sent only once the first is charged.
        try (Socket first = new Socket("127.0.0.1", port)) {
            String half = "x".repeat(LIMIT / 2);
            String chunk = Integer.toHexString(half.length()) + "\r\n" + half + "\r\n";
            OutputStream out = first.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitHeld(Integer.toString(LIMIT / 2));
            HttpResponse<String> second = post(chunked(LIMIT));
            assertEquals(503, second.statusCode(), second.body());
            out.write((chunk + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 200 OK", status, "the first request, within the budget, is served");
        }
        assertEquals("0", held(), "both requests gave their share back");
    }

    static String postHead(String headers) {
        return "POST /echo HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
    }

    @Test
    void noBodyIsAnEmptyBody() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            RawHttp.Answer a = c.write(postHead("Content-Length: 0\r\n")).read();
            assertEquals(200, a.status(), a.body());
            assertEquals("0 0", a.body());
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            assertEquals(100, c.write(postHead("Expect: 100-continue\r\nContent-Length: 5\r\n")).read().status());
            RawHttp.Answer a = c.write("hello").read();
            assertEquals(200, a.status(), a.body());
            assertEquals("5 5", a.body());
        }
    }

    @Test
    void aRefusedBodyIsDiscardedToItsEndThenTheConnectionEnds() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            assertEquals(413, c.write(postHead("Content-Length: " + (LIMIT + 1) + "\r\n")).read().status());
            c.write("x".repeat(LIMIT + 1)); // what a client sends anyway (LingeringClose): thrown away, not a new request
            assertTrue(c.closedByServer(), "closed once the refused body has ended");
        }
        assertEquals("0", held());
    }

    @Test
    void aClientLeavingMidBodyLeavesNothingCharged() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            c.write(postHead("Content-Length: " + LIMIT + "\r\n") + "x".repeat(600));
            awaitHeld("600");
        }
        awaitHeld("0");
    }
}
