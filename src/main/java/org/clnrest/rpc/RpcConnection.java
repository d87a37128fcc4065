package org.clnrest.rpc;

import java.util.HashMap;
import java.util.Map;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent connection to lightningd's RPC socket. Many calls are in flight at once; replies are
 * matched by id. lightningd ends each reply with {@code \n\n}, which is the frame delimiter here.
 */
final class RpcConnection {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);

    private final Vertx vertx;
    private final NetSocket socket;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Runnable onClose;
    private boolean closed;

    private record Pending(Promise<RpcReply> promise, long timer) {}

    RpcConnection(Vertx vertx, NetSocket socket, Runnable onClose) {
        this.vertx = vertx;
        this.socket = socket;
        this.onClose = onClose;
        // A reply may be large (100 MB listinvoices): no cap on a frame beyond memory.
        socket.handler(new FrameSplitter(this::onFrame));
        socket.closeHandler(v -> failAll("lost connection to lightningd's RPC socket"));
        socket.exceptionHandler(e -> LOG.warn("RPC socket error: {}", e.getMessage()));
    }

    int inFlight() {
        return pending.size();
    }

    boolean isClosed() {
        return closed;
    }

    Future<RpcReply> call(String id, String method, Object params, long timeoutMs) {
        if (closed) {
            return Future.failedFuture(new RpcUnavailable("lost connection to lightningd's RPC socket", false));
        }
        Promise<RpcReply> promise = Promise.promise();
        long timer = timeoutMs > 0 ? vertx.setTimer(timeoutMs, t -> timeout(id, method, timeoutMs)) : -1;
        pending.put(id, new Pending(promise, timer));
        JsonObject request = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method)
                .put("params", params == null ? new JsonObject() : params);
        socket.write(request.toBuffer());
        return promise.future();
    }

    private void timeout(String id, String method, long timeoutMs) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.promise().tryFail(new RpcUnavailable("lightningd did not answer " + method + " within " + timeoutMs + " ms", true));
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
        if (p.timer() >= 0) {
            vertx.cancelTimer(p.timer());
        }
        p.promise().tryComplete(reply.reply());
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
        Map<String, Pending> failed = new HashMap<>(pending);
        pending.clear();
        failed.values().forEach(p -> {
            if (p.timer() >= 0) {
                vertx.cancelTimer(p.timer());
            }
            p.promise().tryFail(new RpcUnavailable(why, false));
        });
        onClose.run();
    }
}
