package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import org.clnrest.net.ConnectionGate;
import org.clnrest.net.GatedTransport;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.LoggerFactory;
import org.clnrest.support.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection guard and gate on a real Vert.x server (one verticle, one event loop, as in the plugin; the gated
 * transport), reached by raw sockets: at the cap the oldest stranger (a connection with no authorised call) is closed
 * for a newcomer, a connection that made an authorised call never is, and with every place authorised the newcomer is
 * closed; silent connections hold places from their accept until their hello's deadline; a request whose body
 * does not come gets 408.
 */
class ConnectionGuardTest {
    static final int CAP = 3;
    static final long HELLO_MS = 3_000;
    final ConnectionGate gate = new ConnectionGate();
    final Vertx vertx = Vertx.builder().withTransport(new GatedTransport(gate)).build();
    final List<RawHttp> sockets = new ArrayList<>();
    Server server;

    /** GET /stranger answers without authorising; POST /authorised marks its connection; POST /body waits for a body. */
    static final class Server extends AbstractVerticle {
        final long idleSeconds;
        final long bodySeconds;
        final ConnectionGate gate;
        ConnectionGuard guard;
        int port;

        Server(long idleSeconds, long bodySeconds, ConnectionGate gate) {
            this.idleSeconds = idleSeconds;
            this.bodySeconds = bodySeconds;
            this.gate = gate;
        }

        @Override
        public void start(Promise<Void> started) {
            guard = new ConnectionGuard(vertx, idleSeconds, bodySeconds, gate);
            Router router = Router.router(vertx);
            router.route().handler(guard::onRouted);
            router.get("/stranger").handler(ctx -> ctx.response().end("no"));
            router.post("/authorised").handler(ctx -> {
                ConnectionGuard.authorised(ctx);
                ctx.response().end("yes");
            });
            router.post("/body").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end("got " + b.length())));
            vertx.createHttpServer().connectionHandler(guard::onConnection).requestHandler(req -> {
                guard.onRequest(req);
                router.handle(req);
            }).listen(0, "127.0.0.1").onSuccess(s -> {
                port = s.actualPort();
                gate.guard(port, CAP, HELLO_MS, false, new RateLimitedLog(vertx, LoggerFactory.getLogger("test"), 10_000, true));
                started.complete();
            }).onFailure(started::fail);
        }
    }

    void start(long idleSeconds, long bodySeconds) {
        server = new Server(idleSeconds, bodySeconds, gate);
        vertx.deployVerticle(server).await();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttp s : sockets) {
            s.close();
        }
        vertx.close().await();
    }

    @Test
    void atTheCapTheOldestStrangerMakesWayAndAuthorisedConnectionsStay() throws Exception {
        start(300, 60); // strangers get 10 s: none times out during the test
        RawHttp trusted = open();
        assertEquals(200, call(trusted, "POST /authorised"));
        RawHttp older = open();
        RawHttp newer = open();
        assertEquals(200, call(older, "GET /stranger"));
        assertEquals(200, call(newer, "GET /stranger"));

        RawHttp newcomer = open(); // past the cap: the oldest stranger goes, not the older authorised connection
        assertEquals(200, call(newcomer, "POST /authorised"));
        assertTrue(older.closedByServer(), "the oldest stranger was closed for the newcomer");
        assertEquals(200, call(newer, "GET /stranger"), "the newer stranger is served");
        assertEquals(200, call(trusted, "POST /authorised"), "the authorised connection is served");

        assertEquals(200, call(open(), "POST /authorised")); // and the newer stranger makes way too
        assertTrue(newer.closedByServer());
        RawHttp late = open(); // every place authorised now: the newcomer is closed at once
        assertTrue(late.closedByServer(), "with every connection authorised, a newcomer is closed");
        assertEquals(200, call(trusted, "POST /authorised"), "and nobody else is touched");
    }

    @Test
    void silentConnectionsHoldPlacesFromTheirAcceptUntilTheirHellosDeadline() throws Exception {
        start(300, 60);
        RawHttp stranger = open();
        assertEquals(200, call(stranger, "GET /stranger"));
        List<RawHttp> silent = List.of(open(), open()); // the cap: Vert.x knows nothing of these yet
        RawHttp newcomer = open();
        assertEquals(200, call(newcomer, "POST /authorised"), "a newcomer past the cap takes the place of the stranger Vert.x knows of");
        assertTrue(stranger.closedByServer(), "the stranger was closed for it");
        RawHttp late = open();
        assertTrue(late.closedByServer(), "silent connections are not closed for a newcomer: it is refused at the accept");
        for (RawHttp s : silent) {
            assertTrue(s.openNow(), "the silent connections were still open then");
        }
        for (RawHttp s : silent) {
            assertTrue(s.closedByServer(), "a silent connection is closed at its hello's deadline");
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (gate.size() != 1) { // the newcomer's: the gate hears of a close just after the client does
            assertTrue(System.nanoTime() < until, "the silent connections' places are free again: " + gate.size());
            Thread.sleep(5);
        }
        assertEquals(200, call(open(), "GET /stranger"), "and used again");
    }

    /**
     * A connection whose first bytes could still be HTTP/2's preface ("P" of "PRI * HTTP/2.0") is one Vert.x waits to
     * tell of: the deadline holds until it does, not only until a first byte.
     */
    @Test
    void aConnectionThatStopsAtThePrefacesFirstByteIsClosedAtTheDeadline() throws Exception {
        start(300, 60);
        RawHttp p = open();
        p.write("P");
        assertTrue(p.closedByServer(), "closed at the deadline (it used to be kept forever)");
    }

    @Test
    void aBodyThatDoesNotComeGets408AndTheConnectionIsClosed() throws Exception {
        start(300, 1);
        RawHttp slow = open();
        slow.write("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        RawHttp.Answer a = slow.read();
        assertEquals(408, a.status());
        assertTrue(a.body().contains("\"code\""), a.body());
        assertTrue(slow.closedByServer(), "closed after the 408");
    }

    private RawHttp open() throws IOException {
        RawHttp s = new RawHttp(server.port);
        sockets.add(s);
        return s;
    }

    private static int call(RawHttp s, String requestLine) throws IOException {
        return s.write(requestLine + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().status();
    }
}
