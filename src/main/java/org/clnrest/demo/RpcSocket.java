package org.clnrest.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** The JSON-RPC unix socket ({@code lightning-rpc}): reads and records requests, writes replies ended by {@code \n\n}. */
final class RpcSocket {
    private final Path rpcFile;
    private final MethodRouter router;
    private final NodeLog log;
    private final List<JsonObject> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<NetSocket> sockets = Collections.synchronizedList(new ArrayList<>());
    private NetServer server;
    private volatile boolean silent;

    RpcSocket(Path rpcFile, MethodRouter router, NodeLog log) {
        this.rpcFile = rpcFile;
        this.router = router;
        this.log = log;
    }

    /** Open (or reopen, after {@link #close}) the unix socket. */
    void listen() throws Exception {
        Files.deleteIfExists(rpcFile);
        server = router.vertx().createNetServer().connectHandler(this::onConnection);
        server.listen(SocketAddress.domainSocketAddress(rpcFile.toString())).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** Close the socket and every connection on it (a fault for the plugin to survive). */
    void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dropConnections();
        Files.deleteIfExists(rpcFile);
    }

    /** Close the connections of RPC clients; the socket stays open for new ones. */
    void dropConnections() {
        List<NetSocket> copy;
        synchronized (sockets) {
            copy = new ArrayList<>(sockets);
        }
        copy.forEach(NetSocket::close);
    }

    /** When silent, requests are read and never answered (a hung lightningd). */
    void silent(boolean on) {
        silent = on;
    }

    /** The RPC calls received on the socket, in arrival order: {method, params}. */
    List<JsonObject> calls() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    void clearCalls() {
        calls.clear();
    }

    private void onConnection(NetSocket socket) {
        sockets.add(socket);
        socket.closeHandler(v -> sockets.remove(socket));
        socket.handler(new JsonObjects(req -> onRequest(socket, req), why -> {
            log.add("UNUSUAL", "jsonrpc: bad request: " + why);
            socket.close();
        }));
    }

    private void onRequest(NetSocket socket, JsonObject req) {
        Object id = req.getValue("id");
        String method = req.getString("method");
        Object params = req.getValue("params");
        calls.add(new JsonObject().put("method", method).put("params", params));
        if (silent) {
            return;
        }
        router.answer(method, params, (result, error) -> reply(socket, id, result, error));
    }

    private static void reply(NetSocket socket, Object id, Buffer result, JsonObject error) {
        Buffer out = Buffer.buffer(64 + (result == null ? 128 : result.length()));
        out.appendString("{\"jsonrpc\":\"2.0\",\"id\":").appendBuffer(Json.encodeToBuffer(id));
        if (error != null) {
            out.appendString(",\"error\":").appendBuffer(error.toBuffer());
        } else {
            out.appendString(",\"result\":").appendBuffer(result);
        }
        socket.write(out.appendString("}\n\n"));
    }
}
