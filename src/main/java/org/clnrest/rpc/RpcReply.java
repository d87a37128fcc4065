package org.clnrest.rpc;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

/**
 * lightningd's answer to one call: the raw JSON bytes of {@code result} (a slice of what the socket delivered,
 * never re-encoded, so a JSON response can pass them through untouched); or, for a large result and a caller
 * that asked for it ({@link Rpc#callStreaming}), those bytes as a stream read from the socket as they arrive;
 * or the {@code error} object exactly as lightningd sent it.
 */
public final class RpcReply {
    private final Buffer result;
    private final ReadStream<Buffer> stream;
    private final JsonObject error;
    private Object decoded;

    private RpcReply(Buffer result, ReadStream<Buffer> stream, JsonObject error) {
        this.result = result;
        this.stream = stream;
        this.error = error;
    }

    public static RpcReply ok(Buffer resultJson) {
        return new RpcReply(resultJson, null, null);
    }

    static RpcReply streamed(ReadStream<Buffer> resultJson) {
        return new RpcReply(null, resultJson, null);
    }

    public static RpcReply error(JsonObject error) {
        return new RpcReply(null, null, error);
    }

    public boolean isError() {
        return error != null;
    }

    /** The result is a stream ({@link #resultStream()}), not bytes in hand. */
    public boolean isStreamed() {
        return stream != null;
    }

    /**
     * A streamed result's bytes, to be read (and, if the reader gives up, set no handler: the rest is then read
     * and dropped). Back-pressure holds lightningd's socket.
     */
    public ReadStream<Buffer> resultStream() {
        if (stream == null) {
            throw new IllegalStateException("not a streamed reply");
        }
        return stream;
    }

    /** lightningd's error object ({@code code}, {@code message}, optional {@code data}). */
    public JsonObject error() {
        return error;
    }

    public int errorCode() {
        return error == null ? 0 : error.getInteger("code", 0);
    }

    /** The result as raw JSON bytes. */
    public Buffer resultBytes() {
        if (stream != null) {
            throw new IllegalStateException("a streamed reply has no bytes in hand");
        }
        return result;
    }

    /** The result decoded (JsonObject, JsonArray or a scalar), decoded once on first use. */
    public Object result() {
        if (decoded == null && resultBytes() != null) {
            decoded = Json.decodeValue(result);
        }
        return decoded;
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    /**
     * A boolean member of the result object, read without decoding the result ({@code checkrune}'s
     * {@code valid}, on every call); null when absent or not a boolean.
     */
    public Boolean resultBoolean(String field) {
        Buffer r = resultBytes();
        if (r == null) {
            return null;
        }
        if (decoded != null) {
            return resultObject().getValue(field) instanceof Boolean b ? b : null;
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(r.getBytes())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                if (name.equals(field)) {
                    return v == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE ? Boolean.TRUE
                            : v == com.fasterxml.jackson.core.JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    public JsonObject resultObject() {
        Object r = result();
        return r instanceof JsonObject o ? o : new JsonObject();
    }

    /** Local-only codec: replies are handed over by reference (a 100 MB listinvoices is never copied). */
    public static final class LocalCodec implements MessageCodec<RpcReply, RpcReply> {
        public static final String NAME = "clnrest.RpcReply";

        @Override
        public void encodeToWire(Buffer buffer, RpcReply reply) {
            throw new UnsupportedOperationException("RpcReply is a local message; cluster bridges send JSON");
        }

        @Override
        public RpcReply decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("RpcReply is a local message");
        }

        @Override
        public RpcReply transform(RpcReply reply) {
            return reply;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }

        /** Register once per Vert.x instance (idempotent). */
        public static void register(EventBus bus) {
            try {
                bus.registerDefaultCodec(RpcReply.class, new LocalCodec());
            } catch (IllegalStateException alreadyRegistered) {
                // another verticle of this Vert.x instance did it first
            }
        }
    }
}
