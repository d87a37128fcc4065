package org.clnrest.notify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;

import org.clnrest.auth.CallError;
import org.clnrest.auth.RuneId;

/**
 * The Socket.IO v5 side of one Engine.IO session: namespaces {@code /} and {@code /ws}, each connected by a
 * CONNECT whose rune (header {@code rune}, else the CONNECT's {@code {"rune": ...}}) checkrune allows for
 * listclnrest-notifications; a refusal is a CONNECT_ERROR with lightningd's message.
 *
 * Protocol rules, as the reference server (a breach closes the session): every packet but CONNECT needs its
 * namespace connected; a CONNECT to a namespace that is connected or whose CONNECT is still being checked is a
 * breach (so one session costs at most one checkrune in flight per namespace). A session with no namespace
 * connected (or being checked) connectTimeout after it opened is closed.
 *
 * Clients only receive here. Their EVENTs are decoded and dropped (never re-broadcast, never acknowledged: no
 * ACK is ever sent, as from a reference server with no handler); their ACKs answer nothing this server asked
 * and are dropped; a BINARY_EVENT or BINARY_ACK is dropped with its attachments, which are counted, not kept
 * (binary data with no packet waiting for it is a breach, as in the reference parser).
 */
final class SocketIoClient implements EngineIoSession.Listener, RuneWatch.Holder {
    private enum NsState { CHECKING, CONNECTED }

    private final SocketIoServer server;
    private final EngineIoSession session;
    private final String headerRune;
    private final Map<String, NsState> namespaces = new HashMap<>();
    /** Whether the metrics count this client as connected. */
    private boolean counted;
    /** The rune each connected namespace was allowed with. */
    private final Map<String, String> runeOf = new HashMap<>();
    private int attachmentsDue;
    private final long connectTimer;

    SocketIoClient(SocketIoServer server, EngineIoSession session, String headerRune) {
        this.server = server;
        this.session = session;
        this.headerRune = headerRune == null || headerRune.isBlank() ? null : headerRune.trim();
        this.connectTimer = server.shared.vertx().setTimer(server.shared.timeouts().connectTimeoutMs(), t -> {
            if (namespaces.isEmpty()) { // none connected, none being checked
                session.close(CloseReason.CONNECT_TIMEOUT);
            }
        });
    }

    /** The namespaces this client receives notifications on. */
    List<String> connected() {
        return runeOf.isEmpty() ? List.of() : List.copyOf(runeOf.keySet());
    }

    @Override
    public void onMessage(EngineIoPacket m) throws ProtocolException {
        if (m.binary()) {
            if (attachmentsDue == 0) {
                throw new ProtocolException("binary data with no packet waiting for it");
            }
            attachmentsDue--;
            return;
        }
        if (attachmentsDue > 0) {
            throw new ProtocolException("text while binary attachments are due");
        }
        SocketIoPacket p = SocketIoPacket.decode(m.data());
        NsState state = namespaces.get(p.namespace());
        if (p.type() == SocketIoPacket.Type.CONNECT) {
            if (state != null) {
                throw new ProtocolException("CONNECT to a namespace already connected or being connected");
            }
            connect(p);
            return;
        }
        if (state != NsState.CONNECTED || p.type() == SocketIoPacket.Type.CONNECT_ERROR) {
            throw new ProtocolException("packet for a namespace that is not connected");
        }
        switch (p.type()) {
            case DISCONNECT -> leave(p.namespace());
            case BINARY_EVENT, BINARY_ACK -> attachmentsDue = p.attachments();
            default -> { } // EVENT, ACK: clients only receive here
        }
    }

    private void connect(SocketIoPacket p) {
        String ns = p.namespace();
        if (!SocketIoServer.NAMESPACES.contains(ns)) {
            send(SocketIoPacket.connectError(ns, new JsonObject().put("message", "Invalid namespace")));
            return;
        }
        String rune = headerRune;
        if (rune == null && p.payload() instanceof JsonObject auth && auth.getValue("rune") instanceof String r && !r.isBlank()) {
            rune = r.trim();
        }
        String given = rune;
        namespaces.put(ns, NsState.CHECKING);
        server.shared.runes().check(given, null, RuneWatch.METHOD, null).onComplete(ar -> {
            if (session.state() == SessionState.CLOSED || namespaces.get(ns) != NsState.CHECKING) {
                return;
            }
            if (ar.succeeded()) {
                namespaces.put(ns, NsState.CONNECTED);
                server.authorised(session);
                runeOf.put(ns, given);
                count();
                server.shared.runeWatch().watch(given, this);
                send(SocketIoPacket.connect(ns, server.newId()));
                return;
            }
            namespaces.remove(ns);
            JsonObject error = CallError.of(ar.cause()).error();
            server.shared.refusals().log("Refused a Socket.IO client (rune #" + RuneId.of(given) + "): Error code " + error.getValue("code")
                    + ": " + error.getString("message"));
            send(SocketIoPacket.connectError(ns, new JsonObject().put("message", error.getString("message")).put("data", error)));
        });
    }

    private void leave(String ns) {
        namespaces.remove(ns);
        String rune = runeOf.remove(ns);
        if (rune != null && !runeOf.containsValue(rune)) {
            server.shared.runeWatch().unwatch(rune, this);
        }
        count();
    }

    @Override
    public void revoked(String rune, JsonObject error) {
        for (String ns : List.copyOf(runeOf.keySet())) {
            if (rune.equals(runeOf.get(ns))) {
                runeOf.remove(ns);
                namespaces.remove(ns);
                send(SocketIoPacket.disconnect(ns));
            }
        }
        count();
        if (runeOf.isEmpty()) {
            session.closeGracefully(CloseReason.RUNE_REVOKED);
        }
    }

    private void send(SocketIoPacket packet) {
        session.send(Outgoing.of(EngineIoPacket.message(packet)));
    }

    @Override
    public void onClose(CloseReason reason) {
        server.shared.vertx().cancelTimer(connectTimer);
        for (String rune : runeOf.values()) {
            server.shared.runeWatch().unwatch(rune, this);
        }
        runeOf.clear();
        namespaces.clear();
        count();
    }

    /** For the metrics, a client is connected while at least one namespace is. */
    private void count() {
        boolean now = !runeOf.isEmpty();
        if (now != counted) {
            counted = now;
            if (now) {
                server.shared.stats().clientConnected();
            } else {
                server.shared.stats().clientDisconnected();
            }
        }
    }
}
