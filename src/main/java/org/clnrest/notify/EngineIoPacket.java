package org.clnrest.notify;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One Engine.IO v4 packet and its codec. Text packets are one character for the type and the data after it
 * ({@code 4hello}); a binary message is {@code b<base64>} inside a polling payload, or a binary frame on a
 * WebSocket. A polling payload is packets joined by the record separator {@code \u001e}.
 *
 * Binary data is never kept here: the only binary a client may send this server is a Socket.IO attachment,
 * which is counted and dropped ({@link SocketIoClient}). {@code data} is then null and {@code binary} true.
 */
record EngineIoPacket(Type type, String data, boolean binary) {

    /** The largest payload (polling body, WebSocket message) a client may send; advertised as maxPayload. */
    static final int MAX_PAYLOAD = 1_000_000;
    /** At most this many packets in one polling payload; more is a protocol error (a flood, not a client). */
    static final int MAX_PACKETS_PER_PAYLOAD = 1_000;
    static final char SEPARATOR = '\u001e';

    enum Type {
        OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

        char code() {
            return (char) ('0' + ordinal());
        }
    }

    static final EngineIoPacket PING = new EngineIoPacket(Type.PING, null, false);
    static final EngineIoPacket NOOP = new EngineIoPacket(Type.NOOP, null, false);
    static final EngineIoPacket CLOSE = new EngineIoPacket(Type.CLOSE, null, false);
    static final EngineIoPacket UPGRADE = new EngineIoPacket(Type.UPGRADE, null, false);
    /** The upgrade's probe: the client's ping on the new WebSocket and the server's pong (protocol v4, "Upgrade"). */
    static final EngineIoPacket PROBE_PING = new EngineIoPacket(Type.PING, "probe", false);
    static final EngineIoPacket PROBE_PONG = new EngineIoPacket(Type.PONG, "probe", false);

    static EngineIoPacket message(String data) {
        return new EngineIoPacket(Type.MESSAGE, data, false);
    }

    /** A binary message (its bytes are not kept). */
    static EngineIoPacket binaryMessage() {
        return new EngineIoPacket(Type.MESSAGE, null, true);
    }

    /** The open packet: {@code 0{"sid":..,"upgrades":[..],"pingInterval":..,"pingTimeout":..,"maxPayload":..}}. */
    static EngineIoPacket open(String sid, boolean canUpgrade, long pingInterval, long pingTimeout) {
        return new EngineIoPacket(Type.OPEN, "{\"sid\":\"" + sid + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + pingInterval + ",\"pingTimeout\":" + pingTimeout + ",\"maxPayload\":" + MAX_PAYLOAD + "}", false);
    }

    /** A Socket.IO packet as the data of an Engine.IO message: {@code 4} and the Socket.IO packet. */
    static EngineIoPacket message(SocketIoPacket packet) {
        return message(packet.encode());
    }

    String encode() {
        if (binary) {
            throw new IllegalStateException("binary packets are never sent by this server");
        }
        return data == null ? String.valueOf(type.code()) : type.code() + data;
    }

    /** One text packet (a WebSocket text frame, or one packet of a payload). */
    static EngineIoPacket decode(String text) throws ProtocolException {
        if (text.isEmpty()) {
            throw new ProtocolException("empty packet");
        }
        char c = text.charAt(0);
        if (c == 'b') {
            try {
                Base64.getDecoder().decode(text.substring(1));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("bad base64 in a binary packet");
            }
            return binaryMessage();
        }
        if (c < '0' || c > '6') {
            throw new ProtocolException("unknown packet type");
        }
        Type type = Type.values()[c - '0'];
        return new EngineIoPacket(type, text.length() > 1 ? text.substring(1) : null, false);
    }

    /** A polling payload: at most {@link #MAX_PACKETS_PER_PAYLOAD} packets, each of which must decode. */
    static List<EngineIoPacket> decodePayload(String payload) throws ProtocolException {
        List<EngineIoPacket> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= payload.length(); i++) {
            if (i == payload.length() || payload.charAt(i) == SEPARATOR) {
                if (out.size() == MAX_PACKETS_PER_PAYLOAD) {
                    throw new ProtocolException("more than " + MAX_PACKETS_PER_PAYLOAD + " packets in one payload");
                }
                out.add(decode(payload.substring(start, i)));
                start = i + 1;
            }
        }
        return out;
    }

    /** Encoded packets joined into one polling payload. */
    static String encodePayload(List<String> encoded) {
        return String.join(String.valueOf(SEPARATOR), encoded);
    }
}
