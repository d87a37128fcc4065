package org.clnrest.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import org.clnrest.support.OnLoop;
import org.clnrest.support.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO long-polling for one session on a real Vert.x server, reached by the JDK's client and a raw socket: a
 * held GET answered with every queued packet that fits in maxPayload, the rest at the next poll; a second GET while
 * one is held is an overlap (400, code 3) that ends the session; a POST's packets reach the session, one past
 * maxPayload gets 413; a client that drops its held GET ends the session.
 */
class PollingTransportTest {
    final Vertx vertx = Vertx.vertx();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final Sessions.Recorder above = new Sessions.Recorder();
    final List<String> received = above.received;
    final CompletableFuture<CloseReason> closed = above.closed;
    Server server;

    /** One session over polling at /poll: GET polls, POST sends. */
    final class Server extends AbstractVerticle {
        Context loop;
        EngineIoSession session;
        PollingTransport polling;
        int port;

        @Override
        public void start(Promise<Void> started) {
            loop = context;
            session = new EngineIoSession("sid1", vertx, Timeouts.DEFAULTS, Sessions.budget(vertx, 16 << 20, 64 << 20), () -> { });
            polling = new PollingTransport(session);
            session.open(polling, above);
            Router router = Router.router(vertx);
            router.get("/poll").handler(session::onPoll);
            router.post("/poll").handler(session::onPost);
            vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> {
                port = s.actualPort();
                started.complete();
            }).onFailure(started::fail);
        }
    }

    @BeforeEach
    void start() {
        server = new Server();
        vertx.deployVerticle(server).await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void aPollTakesEveryQueuedPacketInOnePayload() throws Exception {
        send("4a", "4b", "4c");
        assertEquals("4a\u001e4b\u001e4c", poll().join().body());
    }

    @Test
    void aHeldPollIsAnsweredWhenAPacketComes() throws Exception {
        CompletableFuture<HttpResponse<String>> held = poll();
        awaitHeld();
        send("4x");
        assertEquals("4x", held.get(10, TimeUnit.SECONDS).body());
    }

    @Test
    void anAnswerHoldsAtMostMaxPayloadAndTheRestWaitsForTheNextPoll() throws Exception {
        String big = "4" + "y".repeat(EngineIoPacket.MAX_PAYLOAD / 3);
        send(big, big, big);
        assertEquals(big + "\u001e" + big, poll().join().body(), "two fit in maxPayload");
        assertEquals(big, poll().join().body(), "the third at the next poll");
    }

    @Test
    void aSecondPollWhileOneIsHeldIsAnOverlapThatEndsTheSession() throws Exception {
        CompletableFuture<HttpResponse<String>> held = poll();
        awaitHeld();
        HttpResponse<String> second = poll().join();
        assertEquals(400, second.statusCode());
        assertEquals("{\"code\":3,\"message\":\"Bad request\"}", second.body());
        assertEquals(CloseReason.OVERLAP, closed.get(10, TimeUnit.SECONDS));
        assertEquals("1", held.get(10, TimeUnit.SECONDS).body(), "the held poll is told the session closed");
    }

    @Test
    void aPostsPacketsReachTheSession() throws Exception {
        HttpResponse<String> r = post("4hello\u001e4world");
        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body());
        assertEquals(List.of("hello", "world"), received);
    }

    @Test
    void aPostPastMaxPayloadGets413AndEndsTheSession() throws Exception {
        HttpResponse<String> r = post("4" + "z".repeat(EngineIoPacket.MAX_PAYLOAD));
        assertEquals(413, r.statusCode());
        assertEquals("{\"code\":3,\"message\":\"Payload too large\"}", r.body());
        assertEquals(CloseReason.PAYLOAD_TOO_LARGE, closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatDropsItsHeldPollEndsTheSession() throws Exception {
        try (RawHttp raw = new RawHttp(server.port)) {
            raw.write("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitHeld();
        }
        assertEquals(CloseReason.TRANSPORT_ERROR, closed.get(10, TimeUnit.SECONDS));
    }

    private void send(String... packets) throws Exception {
        OnLoop.call(server.loop, () -> {
            for (String p : packets) {
                server.session.send(Outgoing.of(p));
            }
            return null;
        });
    }

    private CompletableFuture<HttpResponse<String>> poll() {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/poll")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String payload) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/poll"))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitHeld() throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!OnLoop.call(server.loop, server.polling::pollPending)) {
            assertTrue(System.nanoTime() < until, "the poll is held");
        }
    }
}
