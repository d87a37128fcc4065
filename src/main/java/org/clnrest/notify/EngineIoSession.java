package org.clnrest.notify;

import java.util.ArrayDeque;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO v4 session: its {@link SessionState}, heartbeat, outbox and transport (long-polling or WebSocket,
 * and the upgrade from the first to the second). What it carries is the {@link Listener}'s business.
 *
 * Heartbeat: {@link Heartbeat}. Upgrade: a WebSocket with this sid probes ({@code 2probe} / {@code 3probe}); the held poll
 * is then answered with a noop, and a poll that comes meanwhile gets the queued packets or a noop at once; the
 * client's {@code 5} moves the session onto the WebSocket. A probe that does not finish within upgradeTimeout
 * is closed, and the session goes on over polling. Event-loop confined.
 */
final class EngineIoSession implements NotificationBudget.Droppable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineIoSession.class);

    /** The layer above: Socket.IO. */
    interface Listener {
        void onMessage(EngineIoPacket message) throws ProtocolException;

        void onClose(CloseReason reason);
    }

    final String sid;
    private final Vertx vertx;
    private final Timeouts timeouts;
    private final NotificationBudget budget;
    private final NotificationBudget.Account account;
    private final Runnable onClosed;
    private Listener listener;
    private SessionState state = SessionState.OPENING;
    /** What carries the packets: polling or a WebSocket; null until open. */
    private Transport transport;
    /** During an upgrade (UPGRADING, PROBED): the WebSocket that will carry them. */
    private WebSocketTransport probe;
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final Heartbeat heartbeat;
    private long upgradeTimer = -1;
    private long closingTimer = -1;
    private CloseReason closingReason;

    EngineIoSession(String sid, Vertx vertx, Timeouts timeouts, NotificationBudget budget, Runnable onClosed) {
        this.sid = sid;
        this.vertx = vertx;
        this.timeouts = timeouts;
        this.budget = budget;
        this.account = budget.open(this);
        this.onClosed = onClosed;
        this.heartbeat = new Heartbeat(vertx, timeouts, () -> send(Outgoing.of(EngineIoPacket.PING)), () -> close(CloseReason.PING_TIMEOUT));
    }

    /** Open over polling: the answer to the handshake GET is the open packet. */
    void openPolling(RoutingContext ctx, Listener l) {
        open(new PollingTransport(this), l);
        ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(openPacket().encode());
    }

    /** Open straight over a WebSocket. */
    void openWebSocket(ServerWebSocket socket, ChannelOutbound out, Listener l) {
        WebSocketTransport ws = new WebSocketTransport(this, socket, out);
        open(ws, l);
        ws.sendNow(openPacket());
    }

    /** Open over {@code t}, which has sent (or will send) {@link #openPacket}. */
    void open(Transport t, Listener l) {
        transport = t;
        listener = l;
        state = SessionState.OPEN;
        heartbeat.schedulePing();
    }

    /** The handshake's answer: the session's id, the upgrades its transport allows and the heartbeat's timing. */
    EngineIoPacket openPacket() {
        return EngineIoPacket.open(sid, onPolling(), timeouts.pingIntervalMs(), timeouts.pingTimeoutMs());
    }

    SessionState state() {
        return state;
    }

    boolean onPolling() {
        return transport instanceof PollingTransport;
    }

    /** May a WebSocket with this sid start an upgrade now? Only once, from polling, while open (not upgrading). */
    boolean canUpgrade() {
        return state == SessionState.OPEN && onPolling();
    }

    private PollingTransport polling() {
        return (PollingTransport) transport; // callers check onPolling() (the server, the upgrade's states)
    }

    // ---- from the client ---------------------------------------------------------------------------------

    void onPoll(RoutingContext ctx) {
        PollingTransport polling = polling();
        polling.onPoll(ctx);
        if (state == SessionState.PROBED && polling.pollPending() && outbox.isEmpty()) {
            polling.answer(EngineIoPacket.NOOP); // the client is pausing polling to finish the upgrade: let it go at once
        }
    }

    void onPost(RoutingContext ctx) {
        polling().onPost(ctx);
    }

    /** A polling payload; false (and the session closed) when it breaks the protocol. */
    boolean receivePayload(String payload) {
        try {
            List<EngineIoPacket> packets = EngineIoPacket.decodePayload(payload);
            for (EngineIoPacket p : packets) {
                if (state == SessionState.CLOSED) {
                    break;
                }
                onPacket(p);
            }
            return true;
        } catch (ProtocolException e) {
            LOG.debug("Socket.IO protocol error: {}", e.getMessage());
            close(CloseReason.PARSE_ERROR);
            return false;
        }
    }

    /** A text frame ({@code text}) or a binary one (null). */
    void onFrame(WebSocketTransport from, String text) {
        if (from == probe) {
            onProbeText(text == null ? "" : text);
        } else if (from == transport) {
            try {
                onPacket(text == null ? EngineIoPacket.binaryMessage() : EngineIoPacket.decode(text));
            } catch (ProtocolException e) {
                LOG.debug("Socket.IO protocol error: {}", e.getMessage());
                close(CloseReason.PARSE_ERROR);
            }
        }
    }

    void onTransportClosed(WebSocketTransport t) {
        if (t == probe) {
            abortUpgrade();
        } else if (t == transport) {
            close(CloseReason.TRANSPORT_CLOSE);
        }
    }

    private void onPacket(EngineIoPacket p) throws ProtocolException {
        if (state == SessionState.CLOSED || state == SessionState.CLOSING) {
            return;
        }
        heartbeat.alive();
        switch (p.type()) {
            case PONG -> heartbeat.schedulePing();
            case PING -> throw new ProtocolException("invalid heartbeat direction");
            case CLOSE -> close(CloseReason.CLIENT_CLOSE);
            case MESSAGE -> listener.onMessage(p);
            default -> { } // open, upgrade, noop on the session's own transport: ignored, as the reference server does
        }
    }

    // ---- upgrade -----------------------------------------------------------------------------------------

    /** A WebSocket with this sid (checked with {@link #canUpgrade}) starts probing. */
    void startUpgrade(ServerWebSocket socket, ChannelOutbound out) {
        state = SessionState.UPGRADING;
        probe = new WebSocketTransport(this, socket, out);
        upgradeTimer = vertx.setTimer(timeouts.upgradeTimeoutMs(), t -> {
            upgradeTimer = -1;
            abortUpgrade();
        });
    }

    private void onProbeText(String text) {
        if (text.equals(EngineIoPacket.PROBE_PING.encode()) && state == SessionState.UPGRADING) {
            state = SessionState.PROBED;
            probe.sendNow(EngineIoPacket.PROBE_PONG);
            if (!polling().flush(outbox)) {
                polling().answer(EngineIoPacket.NOOP);
            }
        } else if (text.equals(EngineIoPacket.UPGRADE.encode())) { // with or without the probe, as the reference accepts it
            vertx.cancelTimer(upgradeTimer);
            upgradeTimer = -1;
            polling().answer(EngineIoPacket.NOOP);
            transport = probe;
            probe = null;
            state = SessionState.OPEN;
            flush();
        } else {
            abortUpgrade();
        }
    }

    private void abortUpgrade() {
        if (probe == null) {
            return;
        }
        vertx.cancelTimer(upgradeTimer);
        upgradeTimer = -1;
        WebSocketTransport p = probe;
        probe = null;
        p.close(false);
        if (state == SessionState.UPGRADING || state == SessionState.PROBED) {
            state = SessionState.OPEN;
        }
    }

    // ---- to the client -----------------------------------------------------------------------------------

    /** Queue a packet; false when the session is closed or was just dropped for holding too much. */
    boolean send(Outgoing packet) {
        if (state == SessionState.CLOSED || state == SessionState.CLOSING) {
            return false;
        }
        outbox.add(packet);
        if (!account.add(packet.bytes())) {
            if (state != SessionState.CLOSED) { // over its own cap (a client dropped for the global cap is closed)
                budget.logDrop("Disconnected a Socket.IO client that stopped reading (" + outbox.size() + " notifications, "
                        + account.held() + " bytes unsent; clnrest-notification-buffer is " + budget.perClient() + ")");
                close(CloseReason.STOPPED_READING);
            }
            return false;
        }
        flush();
        return true;
    }

    void flush() {
        if (transport != null && transport.flush(outbox) && state == SessionState.CLOSING && outbox.isEmpty()) {
            close(closingReason); // the poll took the last packets and the close
        }
    }

    /** The transport wrote {@code bytes}: they leave the client's budget. */
    void written(long bytes) {
        account.release(bytes);
    }

    @Override
    public void drop(CloseReason reason) {
        close(reason);
    }

    // ---- closing -----------------------------------------------------------------------------------------

    /** End the session after what is queued has gone out (a WebSocket closes after its writes; a poll takes it). */
    void closeGracefully(CloseReason reason) {
        if (state == SessionState.CLOSED || state == SessionState.CLOSING) {
            return;
        }
        if (transport == null || transport.pushes()) { // a WebSocket writes the queue before its close frame
            transport.flush(outbox);
            close(reason);
            return;
        }
        outbox.add(Outgoing.of(EngineIoPacket.CLOSE)); // polling: the client's next poll takes them
        state = SessionState.CLOSING;
        closingReason = reason;
        closingTimer = vertx.setTimer(timeouts.pingTimeoutMs(), t -> close(reason));
        flush();
    }

    void close(CloseReason reason) {
        if (state == SessionState.CLOSED) {
            return;
        }
        state = SessionState.CLOSED;
        heartbeat.stop();
        vertx.cancelTimer(upgradeTimer);
        vertx.cancelTimer(closingTimer);
        outbox.forEach(o -> account.release(o.bytes()));
        outbox.clear();
        // Bytes still on their way out of a connection: a client that does not read them would keep them there until
        // a close handshake or poll gave up, uncounted once the account is closed. Its connections are closed at once.
        boolean unread = account.held() > 0 || reason == CloseReason.PING_TIMEOUT;
        account.close();
        if (transport != null) {
            transport.close(reason, unread);
        }
        if (probe != null) {
            probe.close(false);
        }
        onClosed.run();
        if (listener != null) {
            listener.onClose(reason);
        }
        LOG.debug("Socket.IO session closed: {}", reason.text);
    }
}
