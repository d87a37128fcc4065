package org.clnrest.rpc;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * lightningd's answer to one call: either the raw JSON bytes of {@code result} (a slice of what the socket
 * delivered, never re-encoded, so a JSON response can pass them through untouched), or the {@code error}
 * object exactly as lightningd sent it.
 */
public final class RpcReply {
    private final Buffer result;
    private final JsonObject error;
    private Object decoded;

    private RpcReply(Buffer result, JsonObject error) {
        this.result = result;
        this.error = error;
    }

    public static RpcReply ok(Buffer resultJson) {
        return new RpcReply(resultJson, null);
    }

    public static RpcReply error(JsonObject error) {
        return new RpcReply(null, error);
    }

    public boolean isError() {
        return error != null;
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
        return result;
    }

    /** The result decoded (JsonObject, JsonArray or a scalar), decoded once on first use. */
    public Object result() {
        if (decoded == null && result != null) {
            decoded = Json.decodeValue(result);
        }
        return decoded;
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
