package org.clnrest.notify;

import java.util.Set;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One Socket.IO v5 packet (the data of an Engine.IO message) and its codec:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]}, e.g. {@code 2/ws,12["message",{}]}.
 * Decoding checks what the reference parser checks: a known type, a whole-number attachment count for the binary
 * types, digits for the ack id, and a payload of the right shape (CONNECT: an object; DISCONNECT: none; EVENT: an
 * array whose first element is a number or a non-reserved event name; ACK: an array; CONNECT_ERROR: an object or
 * a string). {@code payload} is the decoded JSON (JsonObject, JsonArray, String, ...), or null when absent.
 */
record SocketIoPacket(Type type, String namespace, Long ackId, int attachments, Object payload) {

    enum Type { CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK }

    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener");
    /** Ack ids are JavaScript numbers on the client side: at most 15 digits stay exact. */
    private static final int MAX_ACK_DIGITS = 15;
    private static final int MAX_ATTACHMENT_DIGITS = 6;

    // The packets this server sends, each built here and encoded by encode() alone.

    /** The answer to an accepted CONNECT: {@code 0/ws,{"sid":...}}. */
    static SocketIoPacket connect(String namespace, String sid) {
        return new SocketIoPacket(Type.CONNECT, namespace, null, 0, new JsonObject().put("sid", sid));
    }

    /** A refused CONNECT: {@code 4/ws,{"message":...[,"data":...]}}. */
    static SocketIoPacket connectError(String namespace, JsonObject error) {
        return new SocketIoPacket(Type.CONNECT_ERROR, namespace, null, 0, error);
    }

    /** The server leaves {@code namespace} (a revoked rune): {@code 1/ws,}. */
    static SocketIoPacket disconnect(String namespace) {
        return new SocketIoPacket(Type.DISCONNECT, namespace, null, 0, null);
    }

    /** An event with its arguments: {@code 2/ws,["message",{...}]}. */
    static SocketIoPacket event(String namespace, JsonArray args) {
        return new SocketIoPacket(Type.EVENT, namespace, null, 0, args);
    }

    String encode() {
        StringBuilder b = new StringBuilder().append(type.ordinal());
        if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
            b.append(attachments).append('-');
        }
        if (!"/".equals(namespace)) {
            b.append(namespace).append(',');
        }
        if (ackId != null) {
            b.append(ackId);
        }
        if (payload != null) {
            b.append(Json.encode(payload));
        }
        return b.toString();
    }

    static SocketIoPacket decode(String s) throws ProtocolException {
        if (s == null || s.isEmpty() || s.charAt(0) < '0' || s.charAt(0) > '6') {
            throw new ProtocolException("unknown Socket.IO packet type");
        }
        Type type = Type.values()[s.charAt(0) - '0'];
        int i = 1;
        int attachments = 0;
        if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
            int dash = s.indexOf('-', i);
            if (dash <= i || dash - i > MAX_ATTACHMENT_DIGITS || !digits(s, i, dash)) {
                throw new ProtocolException("illegal attachments");
            }
            attachments = Integer.parseInt(s.substring(i, dash));
            i = dash + 1;
        }
        String namespace = "/";
        if (i < s.length() && s.charAt(i) == '/') {
            int comma = s.indexOf(',', i);
            int end = comma < 0 ? s.length() : comma;
            namespace = s.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        Long ackId = null;
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i > start) {
            if (i - start > MAX_ACK_DIGITS) {
                throw new ProtocolException("ack id too long");
            }
            ackId = Long.parseLong(s.substring(start, i));
        }
        Object payload = null;
        if (i < s.length()) {
            try {
                payload = Json.decodeValue(s.substring(i));
            } catch (DecodeException e) {
                throw new ProtocolException("invalid payload");
            }
            if (!valid(type, payload)) {
                throw new ProtocolException("invalid payload");
            }
        }
        if (payload == null && i < s.length()) {
            throw new ProtocolException("invalid payload"); // a literal null is no payload of any type
        }
        return new SocketIoPacket(type, namespace, ackId, attachments, payload);
    }

    private static boolean valid(Type type, Object payload) {
        return switch (type) {
            case CONNECT -> payload instanceof JsonObject;
            case DISCONNECT -> false;
            case CONNECT_ERROR -> payload instanceof JsonObject || payload instanceof String;
            case EVENT, BINARY_EVENT -> payload instanceof JsonArray a && !a.isEmpty()
                    && (a.getValue(0) instanceof Number || a.getValue(0) instanceof String name && !RESERVED.contains(name));
            case ACK, BINARY_ACK -> payload instanceof JsonArray;
        };
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
