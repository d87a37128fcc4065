package org.clnrest.rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.net.NetSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent connection to lightningd's RPC socket. Many calls are in flight at once; replies are
 * matched by id. lightningd ends each reply with {@code \n\n}, which is the frame delimiter here. A large
 * result for a call that may stream is handed on as a {@link ResultStream} while it arrives; until it has
 * ended the connection takes no new calls ({@link #streaming()}).
 */
final class RpcConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** How much of a large reply's start is read to find its id and where its result begins. */
    static final int HEAD = 4096;

    private final NetSocket socket;
    private final Context context;
    private final Map<String, Pending> pending = new HashMap<>();
    /** Requests written during this turn of the event loop, sent together at its end (one write, not one each). */
    private Buffer outbox;
    /** The outbox is a buffer of its own (not the first request's). */
    private boolean outboxOwned;
    private final Runnable onClose;
    private boolean closed;
    private ResultStream streaming;

    /** {@code deadline}: System.nanoTime() after which the call fails, or 0 for none. */
    private record Pending(Promise<RpcReply> promise, String method, long deadline, long timeoutMs, boolean mayStream) {}

    RpcConnection(Context context, NetSocket socket, Runnable onClose) {
        this.context = context;
        this.socket = socket;
        this.onClose = onClose;
        // A reply may be large (100 MB listinvoices): no cap on a frame beyond memory, and a large result a
        // caller can take as a stream is never collected.
        socket.handler(new FrameSplitter(this::onFrame, this::offer));
        socket.closeHandler(v -> failAll("lost connection to lightningd's RPC socket"));
        socket.exceptionHandler(e -> LOG.warn("RPC socket error: {}", e.getMessage()));
    }

    int inFlight() {
        return pending.size();
    }

    boolean isClosed() {
        return closed;
    }

    /** A streamed result is being read: replies to other calls wait behind it. */
    boolean streaming() {
        return streaming != null;
    }

    Future<RpcReply> call(String id, String method, Object params, long timeoutMs, boolean mayStream) {
        if (closed) {
            return Future.failedFuture(new RpcUnavailable("lost connection to lightningd's RPC socket", false));
        }
        Promise<RpcReply> promise = Promise.promise();
        long deadline = timeoutMs > 0 ? Math.max(1, System.nanoTime() + timeoutMs * 1_000_000) : 0;
        pending.put(id, new Pending(promise, method, deadline, timeoutMs, mayStream));
        Buffer req = request(id, method, params);
        if (outbox == null) {
            outbox = req;
            outboxOwned = false;
            context.runOnContext(v -> flush());
        } else {
            if (!outboxOwned) {
                outbox = Buffer.buffer(Math.max(1024, 4 * req.length())).appendBuffer(outbox);
                outboxOwned = true;
            }
            outbox.appendBuffer(req);
        }
        return promise.future();
    }

    /** The requests of this turn of the event loop, in one write. */
    private void flush() {
        Buffer out = outbox;
        outbox = null;
        if (out != null && !closed) {
            socket.write(out);
        }
    }

    /** {@code {"jsonrpc":"2.0","id":...,"method":...,"params":...}}, the envelope written directly. */
    static Buffer request(String id, String method, Object params) {
        Buffer p = params == null ? null : Json.encodeToBuffer(params);
        Buffer b = Buffer.buffer(64 + id.length() + method.length() + (p == null ? 2 : p.length()));
        b.appendString("{\"jsonrpc\":\"2.0\",\"id\":");
        appendString(b, id);
        b.appendString(",\"method\":");
        appendString(b, method);
        b.appendString(",\"params\":");
        if (p == null) {
            b.appendString("{}");
        } else {
            b.appendBuffer(p);
        }
        return b.appendByte((byte) '}');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A JSON string literal. */
    static void appendString(Buffer b, String s) {
        b.appendByte((byte) '"');
        int plainFrom = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                if (i > plainFrom) {
                    b.appendString(s.substring(plainFrom, i), "UTF-8");
                }
                b.appendByte((byte) '\\');
                switch (c) {
                    case '"', '\\' -> b.appendByte((byte) c);
                    case '\n' -> b.appendByte((byte) 'n');
                    case '\r' -> b.appendByte((byte) 'r');
                    case '\t' -> b.appendByte((byte) 't');
                    default -> b.appendString("u00").appendByte((byte) HEX[c >> 4]).appendByte((byte) HEX[c & 15]);
                }
                plainFrom = i + 1;
            }
        }
        if (plainFrom < s.length()) {
            b.appendString(plainFrom == 0 ? s : s.substring(plainFrom), "UTF-8");
        }
        b.appendByte((byte) '"');
    }

    /** Fail the calls whose deadline has passed ({@code now}: System.nanoTime()). */
    void expire(long now) {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Pending>> late = null;
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            long d = e.getValue().deadline();
            if (d != 0 && now - d >= 0) {
                (late == null ? late = new ArrayList<>() : late).add(e);
            }
        }
        if (late != null) {
            for (Map.Entry<String, Pending> e : late) {
                pending.remove(e.getKey());
                Pending p = e.getValue();
                p.promise().tryFail(new RpcUnavailable("lightningd did not answer " + p.method() + " within " + p.timeoutMs() + " ms", true));
            }
        }
    }

    private void onFrame(Buffer frame) {
        if (org.clnrest.util.Bytes.isBlank(frame)) {
            return;
        }
        ReplyFrame reply;
        try {
            reply = ReplyFrame.parse(frame);
        } catch (Exception e) {
            LOG.error("Unparseable reply from lightningd ({} bytes): {}", frame.length(), e.getMessage());
            return;
        }
        Pending p = reply.id() == null ? null : pending.remove(reply.id());
        if (p == null) {
            LOG.debug("Reply for unknown id {}", reply.id());
            return;
        }
        p.promise().tryComplete(reply.reply());
    }

    /**
     * A large reply has begun: stream it if it is the result of a call that may stream (lightningd writes
     * {@code jsonrpc}, {@code id}, then {@code result}, so the head tells), else let it be collected.
     */
    private FrameSplitter.Sink offer(List<Buffer> start) {
        byte[] head = new byte[Math.min(HEAD, start.stream().mapToInt(Buffer::length).sum())];
        int at = 0;
        for (Buffer b : start) {
            int n = Math.min(b.length(), head.length - at);
            b.getBytes(0, n, head, at);
            at += n;
            if (at == head.length) {
                break;
            }
        }
        String id = null;
        try (JsonParser p = JSON.createParser(head)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("id")) {
                    id = value == JsonToken.VALUE_STRING || value.isNumeric() ? p.getText() : null;
                } else if (field.equals("result")) {
                    Pending call = id == null ? null : pending.get(id);
                    if (call == null || !call.mayStream() || (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY)) {
                        return null;
                    }
                    int resultStart = (int) p.currentTokenLocation().getByteOffset();
                    pending.remove(id);
                    ResultStream s = new ResultStream(socket, resultStart, head[resultStart], () -> streaming = null);
                    streaming = s;
                    call.promise().tryComplete(RpcReply.streamed(s));
                    return s;
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    return null; // "error", or not lightningd's order: collect it whole
                }
            }
        } catch (java.io.IOException truncatedOrBad) {
            // the head alone does not tell: collect it whole
        }
        return null;
    }

    void close() {
        socket.close();
    }

    /** Fail every call in flight with {@code why}, then close: the plugin is stopping. */
    void abort(String why) {
        failAll(why);
        socket.close();
    }

    private void failAll(String why) {
        if (closed) {
            return;
        }
        closed = true;
        ResultStream s = streaming;
        streaming = null;
        if (s != null) {
            s.fail(new RpcUnavailable(why, false));
        }
        Map<String, Pending> failed = new HashMap<>(pending);
        pending.clear();
        failed.values().forEach(p -> p.promise().tryFail(new RpcUnavailable(why, false)));
        onClose.run();
    }
}
