package org.clnrest.notify;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.auth.CallError;
import org.clnrest.auth.RuneCheck;
import org.clnrest.auth.RuneId;

/**
 * Notifications on a plain WebSocket at {@code /v1/notifications}, for clients that do not speak Socket.IO
 * (wscat, a browser's WebSocket): one JSON text frame per notification, {@code {"<topic>": {...}}}, in the
 * broadcaster's once-a-second batches, under the same rune rule (listclnrest-notifications), budget and re-check
 * as Socket.IO.
 *
 * The rune comes in the {@code Rune} header, or as a {@code Sec-WebSocket-Protocol} value next to
 * {@value #SUBPROTOCOL} (what a browser can send: {@code new WebSocket(url, ["clnrest-notifications", rune])}),
 * or as the first text frame (the rune, or {@code {"rune": "..."}}) within the auth timeout; never in the URL
 * (a {@code rune} query parameter is refused before the upgrade: URLs land in logs). Refusal: a close frame
 * 4403 when checkrune says "Not permitted" (1502), 4401 otherwise, with lightningd's message as the reason;
 * 1011 when lightningd is unavailable. Success is silent: notifications simply start. Frames from the client
 * after its rune are ignored. A WebSocket ping every pingInterval; no pong within pingTimeout closes it.
 */
final class NotificationSocket {
    static final String PATH = "/v1/notifications";
    static final String SUBPROTOCOL = "clnrest-notifications";

    private final Shared shared;
    private final Set<Client> clients = new HashSet<>();
    /**
     * Clients not yet authorised (waiting for their rune, or for checkrune), at most {@link #MAX_WAITING}: a
     * stranger's WebSockets live {@code authMs} each, and past this many a new one is refused with 503 (issue 22).
     */
    static final int MAX_WAITING = 2048;
    private int waiting;

    NotificationSocket(Shared shared) {
        this.shared = shared;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (req.params().contains("rune")) {
            SocketIoServer.error(ctx, 400, 1501, "Not authorized: never put a rune in a URL; send it in the Rune header, "
                    + "as a Sec-WebSocket-Protocol value or as the first message");
            return;
        }
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            SocketIoServer.error(ctx, 426, -32600, "WebSocket upgrade required");
            return;
        }
        String rune = req.getHeader("Rune");
        String offered = req.getHeader("Sec-WebSocket-Protocol");
        if ((rune == null || rune.isBlank()) && offered != null) {
            for (String p : offered.split(",")) {
                if (!p.isBlank() && !p.trim().equals(SUBPROTOCOL)) {
                    rune = p.trim();
                }
            }
        }
        String given = rune == null || rune.isBlank() ? null : rune.trim();
        if (waiting >= MAX_WAITING) {
            shared.refusals().log("Refused a notification WebSocket: " + MAX_WAITING + " clients are waiting for their rune check");
            SocketIoServer.error(ctx, 503, -32000, "Server busy: " + MAX_WAITING + " WebSocket clients are waiting for their rune check");
            return;
        }
        req.toWebSocket().onSuccess(ws -> {
            new Client(ws, ChannelOutbound.of(req.connection()), given);
        }).onFailure(e -> { });
    }

    /** Emit one batch: a text frame per notification to every authorised client. */
    void broadcast(JsonArray batch) {
        if (clients.isEmpty() || batch.isEmpty()) {
            return;
        }
        Outgoing[] frames = new Outgoing[batch.size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = Outgoing.of(Json.encode(batch.getValue(i)));
        }
        for (Client c : clients.toArray(Client[]::new)) {
            int sent = 0;
            for (Outgoing f : frames) {
                if (!c.send(f)) {
                    break;
                }
                sent++;
            }
            shared.stats().delivered(sent);
        }
    }

    /** A client's life: its rune awaited, then checked, then authorised (in {@link #clients}); closed from any. */
    private enum Phase { WAITING, CHECKING, AUTHORISED, CLOSED }

    /** One client, in its {@link Phase}. */
    private final class Client implements NotificationBudget.Droppable, RuneWatch.Holder {
        private final ServerWebSocket ws;
        private final ChannelOutbound out;
        private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
        private final NotificationBudget.Account account;
        private final Heartbeat heartbeat;
        private Phase phase = Phase.WAITING;
        /** The rune it was authorised with (AUTHORISED and after). */
        private String rune;
        private boolean counted = true;
        private long authTimer = -1;

        Client(ServerWebSocket ws, ChannelOutbound out, String headerRune) {
            this.ws = ws;
            this.out = out;
            waiting++;
            this.account = shared.budget().open(this);
            this.heartbeat = new Heartbeat(shared.vertx(), shared.timeouts(), () -> ws.writePing(Buffer.buffer("clnrest")), () -> close(1001, "ping timeout"));
            ws.exceptionHandler(e -> close(1009, "Message too big"));
            ws.closeHandler(v -> closed());
            ws.pongHandler(b -> {
                heartbeat.alive();
                heartbeat.schedulePing();
            });
            ws.textMessageHandler(this::onText);
            heartbeat.schedulePing();
            if (headerRune != null) {
                check(headerRune);
            } else {
                authTimer = shared.vertx().setTimer(shared.timeouts().authMs(), t -> {
                    if (phase == Phase.WAITING) {
                        refuse(null, RuneCheck.missing().error(), 4401);
                    }
                });
            }
        }

        private void onText(String text) {
            heartbeat.alive();
            if (phase != Phase.WAITING) {
                return; // clients only receive here
            }
            shared.vertx().cancelTimer(authTimer);
            String given = text.trim();
            if (given.startsWith("{")) {
                try {
                    Object r = new JsonObject(given).getValue("rune");
                    given = r instanceof String s ? s.trim() : null;
                } catch (RuntimeException notJson) {
                    given = null;
                }
            }
            check(given);
        }

        private void check(String given) {
            phase = Phase.CHECKING;
            shared.runes().check(given, null, RuneWatch.METHOD, null).onComplete(ar -> {
                if (phase == Phase.CLOSED) {
                    return;
                }
                if (ar.succeeded()) {
                    phase = Phase.AUTHORISED;
                    rune = given;
                    notWaiting();
                    clients.add(this);
                    shared.stats().clientConnected();
                    shared.runeWatch().watch(given, this);
                } else {
                    CallError e = CallError.of(ar.cause());
                    refuse(given, e.error(), e.isRefusal() ? closeCode(e.error()) : 1011);
                }
            });
        }

        private void refuse(String given, JsonObject error, int code) {
            shared.refusals().log("Refused a notification WebSocket client (rune #" + RuneId.of(given) + "): Error code "
                    + error.getValue("code") + ": " + error.getString("message"));
            close(code, error.getString("message"));
        }

        boolean send(Outgoing f) {
            if (phase == Phase.CLOSED) {
                return false;
            }
            outbox.add(f);
            if (!account.add(f.bytes())) {
                if (phase != Phase.CLOSED) { // over its own cap (a client dropped for the global cap is closed)
                    shared.budget().logDrop("Disconnected a notification WebSocket client that stopped reading (" + outbox.size()
                            + " notifications, " + account.held() + " bytes unsent; clnrest-notification-buffer is " + shared.budget().perClient() + ")");
                    close(1008, "Stopped reading: notification buffer full");
                }
                return false;
            }
            flush();
            return true;
        }

        private void flush() {
            while (phase != Phase.CLOSED && !outbox.isEmpty() && out.writable()) {
                Outgoing o = outbox.poll();
                ws.writeTextMessage(o.text()).onComplete(ar -> account.release(o.bytes()));
            }
            if (!outbox.isEmpty() && phase != Phase.CLOSED) {
                out.whenWritable(this::flush);
            }
        }

        private void notWaiting() {
            if (counted) {
                counted = false;
                waiting--;
            }
        }

        @Override
        public void drop(CloseReason reason) {
            close(1008, "Notification buffers full");
        }

        @Override
        public void revoked(String r, JsonObject error) {
            close(closeCode(error), error.getString("message"));
        }

        private void close(int code, String reason) {
            if (phase != Phase.CLOSED) {
                outbox.forEach(o -> account.release(o.bytes()));
                outbox.clear();
                boolean unread = account.held() > 0;
                closed();
                if (unread) {
                    out.abort(); // a close frame behind bytes the client does not read would never reach it
                } else {
                    ws.close((short) code, truncate(reason));
                }
            }
        }

        private void closed() {
            if (phase == Phase.CLOSED) {
                return;
            }
            boolean wasAuthorised = phase == Phase.AUTHORISED;
            phase = Phase.CLOSED;
            notWaiting();
            shared.vertx().cancelTimer(authTimer);
            heartbeat.stop();
            account.close();
            outbox.clear();
            out.whenWritable(null);
            clients.remove(this);
            if (wasAuthorised) {
                shared.runeWatch().unwatch(rune, this);
                shared.stats().clientDisconnected();
            }
        }
    }

    /** A refusal by checkrune: 4403 for "Not permitted" (1502: the rune forbids it), 4401 for any other. */
    static int closeCode(JsonObject error) {
        return error.getValue("code") instanceof Number n && n.intValue() == 1502 ? 4403 : 4401;
    }

    /** A close reason is at most 123 bytes of UTF-8. */
    static String truncate(String reason) {
        String r = reason == null ? "" : reason;
        while (Outgoing.utf8Length(r) > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
