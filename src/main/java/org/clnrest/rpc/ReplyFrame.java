package org.clnrest.rpc;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import org.clnrest.util.VertxInternals;

/**
 * One JSON-RPC reply as lightningd framed it ({@code {...}\n\n}), scanned once with a streaming parser to
 * find its id and where its {@code result} value lies. The result is kept as a slice of the received bytes:
 * nothing is decoded unless somebody needs a tree.
 */
record ReplyFrame(String id, RpcReply reply) {
    private static final JsonFactory JSON = new JsonFactory();

    /** How much of a reply without a backing array (a large one, kept as its received pieces) is copied to be parsed. */
    static final int PREFIX = 64 * 1024;

    static ReplyFrame parse(Buffer frame) throws IOException {
        io.netty.buffer.ByteBuf bb = VertxInternals.byteBuf(frame);
        if (bb.hasArray()) {
            // Read the frame's own bytes in place.
            return parse(frame, bb.array(), bb.arrayOffset() + bb.readerIndex(), frame.length());
        }
        // A large reply kept in pieces: the envelope's head is enough when lightningd's order holds (it does);
        // otherwise parse it all.
        int length = frame.length();
        if (length > PREFIX) {
            try {
                ReplyFrame head = parse(frame, frame.getBytes(0, PREFIX), 0, PREFIX);
                if (head.reply().isError() || head.reply().resultBytes() != null) {
                    return head;
                }
            } catch (IOException truncated) {
                // the head alone did not settle it
            }
        }
        return parse(frame, frame.getBytes(), 0, length);
    }

    /** {@code bytes[base, base + length)} holds the frame's first {@code length} bytes (maybe all of them). */
    private static ReplyFrame parse(Buffer frame, byte[] bytes, int base, int length) throws IOException {
        String id = null;
        int resultStart = -1;
        int resultEnd = -1;
        JsonObject error = null;
        try (JsonParser p = JSON.createParser(bytes, base, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("reply is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "result" -> {
                        resultStart = (int) p.currentTokenLocation().getByteOffset();
                        resultEnd = id != null ? lastMemberEnd(frame, value) : -1;
                        if (resultEnd > resultStart) {
                            // lightningd writes {"jsonrpc","id","result"} in that order: with the id read, the
                            // result runs to the envelope's closing brace, and a large one is not tokenised.
                            return new ReplyFrame(id, RpcReply.ok(frame.slice(resultStart, resultEnd)));
                        }
                        p.skipChildren();
                        resultEnd = (int) p.currentLocation().getByteOffset();
                    }
                    case "error" -> {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getByteOffset();
                        Object e = io.vertx.core.json.Json.decodeValue(frame.slice(start, end));
                        error = e instanceof JsonObject o ? o : new JsonObject().put("code", -1).put("message", String.valueOf(e));
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (error != null) {
            return new ReplyFrame(id, RpcReply.error(error));
        }
        if (resultStart < 0) {
            return new ReplyFrame(id, RpcReply.error(new JsonObject().put("code", -32603)
                    .put("message", "lightningd reply has neither result nor error")));
        }
        return new ReplyFrame(id, RpcReply.ok(frame.slice(resultStart, resultEnd)));
    }

    /**
     * If the object's last member is an object or array ({@code value} says which), the offset just past it:
     * the last non-blank byte must close the envelope and the one before it must close that value. Else -1.
     */
    static int lastMemberEnd(Buffer frame, JsonToken value) {
        if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
            return -1;
        }
        int i = frame.length() - 1;
        while (i >= 0 && isBlank(frame.getByte(i))) {
            i--;
        }
        if (i < 0 || frame.getByte(i) != '}') {
            return -1;
        }
        i--;
        while (i >= 0 && isBlank(frame.getByte(i))) {
            i--;
        }
        byte close = value == JsonToken.START_OBJECT ? (byte) '}' : (byte) ']';
        return i >= 0 && frame.getByte(i) == close ? i + 1 : -1;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
