package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.support.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request budget with real routing contexts on a real server: charges up to the max and not a byte past
 * it, several charges of one request given back together when it ends, however it ends (answered, failed,
 * its client gone), and requests in flight sharing the one budget.
 */
class RequestBudgetTest {
    static final long MAX = 1000;
    Vertx vertx;
    RequestBudget budget;
    final LinkedBlockingQueue<RoutingContext> holding = new LinkedBlockingQueue<>();
    int port;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        budget = new RequestBudget(MAX);
        Router router = Router.router(vertx);
        // /charge?n=600,600: one charge per number, answered {charged: [...], held}; /hold charges and waits.
        router.route("/charge").handler(ctx -> ctx.json(charge(ctx)));
        router.route("/hold").handler(ctx -> {
            charge(ctx);
            holding.add(ctx);
        });
        router.route("/fail").handler(ctx -> {
            charge(ctx);
            ctx.fail(ApiError.badRequest("refused after charging"));
        });
        router.route("/held").handler(ctx -> ctx.end(Long.toString(budget.held())));
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    }

    JsonObject charge(RoutingContext ctx) {
        JsonArray charged = new JsonArray();
        for (String n : ctx.request().getParam("n").split(",")) {
            charged.add(budget.charge(ctx, Long.parseLong(n)));
        }
        return new JsonObject().put("charged", charged).put("held", budget.held());
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    RawHttp.Answer get(String path) throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            return c.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").read();
        }
    }

    long held() throws Exception {
        return Long.parseLong(get("/held").body());
    }

    @Test
    void chargesUpToTheMaxAndNotAByteMore() throws Exception {
        assertEquals(new JsonObject().put("charged", new JsonArray().add(true).add(true).add(false)).put("held", MAX),
                new JsonObject(get("/charge?n=400,600,1").body()));
        assertEquals(new JsonObject().put("charged", new JsonArray().add(false).add(true)).put("held", 999L),
                new JsonObject(get("/charge?n=1001,999").body()), "a refused charge charges nothing");
        assertEquals(0, held(), "each request gave its share back when answered");
    }

    @Test
    void aFailedRequestGivesItsShareBack() throws Exception {
        assertEquals(500, get("/fail?n=700,200").status(), "no failure handler here: the router's own 500");
        assertEquals(0, held());
    }

    @Test
    void requestsInFlightShareTheBudgetUntilTheyEnd() throws Exception {
        try (RawHttp first = new RawHttp(port)) {
            first.write("GET /hold?n=700 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RoutingContext waiting = holding.poll(30, TimeUnit.SECONDS);
            assertEquals(new JsonArray().add(false), new JsonObject(get("/charge?n=400").body()).getJsonArray("charged"));
            assertEquals(700, held());
            waiting.end("done");
            assertEquals("done", first.read().body());
        }
        assertEquals(new JsonArray().add(true), new JsonObject(get("/charge?n=400").body()).getJsonArray("charged"));
    }

    @Test
    void aClientGoneBeforeItsAnswerGivesItsShareBack() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            c.write("GET /hold?n=700 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            holding.poll(30, TimeUnit.SECONDS);
            assertEquals(700, held());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (held() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the close travels over loopback: no event tells the test the server has seen it
        }
        assertEquals(0, held(), "the request that will never be answered holds nothing");
    }
}
