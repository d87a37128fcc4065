package org.clnrest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.JsonParser;

/**
 * A simulated lightningd: the one test double of the project. Like lightningd it starts plugins as child
 * processes (cwd {@code <lightning-dir>/<network>}, env {@code LIGHTNINGD_PLUGIN=1}), sends getmanifest and
 * init with options typed as the manifest declares them, records their {@code log} notifications prefixed
 * {@code plugin-<name>: }, sends them notifications, and answers JSON-RPC on a real unix socket
 * ({@code lightning-rpc}), replies ended by {@code \n\n}, with lightningd's error codes and messages.
 */
public final class SimulatedLightningd implements AutoCloseable {
    public static final String VERSION = "v26.06";
    public static final String NETWORK = "regtest";

    private final Path lightningDir;
    private final Path networkDir;
    private final Path rpcFile;
    private final int seededInvoices;
    private final long checkruneCostNanos;
    private final boolean echo;
    private final Map<String, List<String>> rawOptions;
    private final List<List<String>> pluginCommands;
    private final Map<String, String> env;
    private final Map<String, Object> typedOptions = new LinkedHashMap<>();
    private final List<PluginProcess> plugins = new ArrayList<>();
    private final Map<String, PluginProcess> pluginMethods = new LinkedHashMap<>();
    private final List<String> log = new ArrayList<>();
    private final List<JsonObject> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<NetSocket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final NodeRpc rpc;
    private Vertx vertx;
    /** One thread for checkrune when it has a cost (see {@link Builder#checkruneCost}). */
    private io.vertx.core.WorkerExecutor mainLoop;
    private NetServer server;
    private volatile boolean silent;

    private SimulatedLightningd(Builder b) {
        this.lightningDir = b.lightningDir.toAbsolutePath();
        this.networkDir = lightningDir.resolve(NETWORK);
        this.rpcFile = networkDir.resolve("lightning-rpc");
        this.seededInvoices = b.seededInvoices;
        this.checkruneCostNanos = b.checkruneCost.toNanos();
        this.echo = b.echo;
        this.rawOptions = b.options;
        this.pluginCommands = b.plugins;
        this.env = b.env;
        this.rpc = new NodeRpc(this);
    }

    public static Builder builder(Path lightningDir) {
        return new Builder(lightningDir);
    }

    /** How a test or the demo describes the node: like lightningd's command line. */
    public static final class Builder {
        private final Path lightningDir;
        private final Map<String, List<String>> options = new LinkedHashMap<>();
        private final List<List<String>> plugins = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private int seededInvoices;
        private Duration checkruneCost = Duration.ZERO;
        private boolean echo;

        private Builder(Path lightningDir) {
            this.lightningDir = lightningDir;
        }

        /** {@code --name=value}; repeat for multi options. */
        public Builder option(String name, Object value) {
            options.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(value));
            return this;
        }

        /** {@code --plugin=...}: a command (executable and arguments). */
        public Builder plugin(List<String> command) {
            plugins.add(List.copyOf(command));
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Bulk invoices listinvoices returns besides real ones (about 420 bytes each). */
        public Builder seededInvoices(int n) {
            seededInvoices = n;
            return this;
        }

        /**
         * What a successful checkrune costs lightningd besides the check: it records the rune's use in its
         * database, a synchronous write on its single main loop, so one at a time (about 4 ms on a real node).
         * Zero (the default) makes checkrune as cheap as the check itself.
         */
        public Builder checkruneCost(Duration cost) {
            checkruneCost = cost;
            return this;
        }

        /** Print the log to stderr as it happens (the demo). */
        public Builder echo(boolean on) {
            echo = on;
            return this;
        }

        public SimulatedLightningd build() {
            return new SimulatedLightningd(this);
        }
    }

    // ---- life cycle ----------------------------------------------------------------------------------

    /** Open the RPC socket, start every plugin, getmanifest and init each. Blocking. */
    public SimulatedLightningd start() throws Exception {
        Files.createDirectories(networkDir);
        Files.deleteIfExists(rpcFile);
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
        if (checkruneCostNanos > 0) {
            mainLoop = vertx.createSharedWorkerExecutor("lightningd-main-loop", 1);
        }
        startRpc();
        for (List<String> command : pluginCommands) {
            startPlugin(command);
        }
        return this;
    }

    /** Open (or reopen, after {@link #stopRpc}) the unix socket. */
    public void startRpc() throws Exception {
        Files.deleteIfExists(rpcFile);
        server = vertx.createNetServer().connectHandler(this::onConnection);
        server.listen(SocketAddress.domainSocketAddress(rpcFile.toString())).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** Close the socket and every connection on it (a fault for the plugin to survive). */
    public void stopRpc() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        dropConnections();
        Files.deleteIfExists(rpcFile);
    }

    /** Close the connections of RPC clients; the socket stays open for new ones. */
    public void dropConnections() {
        List<NetSocket> copy;
        synchronized (sockets) {
            copy = new ArrayList<>(sockets);
        }
        copy.forEach(NetSocket::close);
    }

    /** When silent, requests are read and never answered (a hung lightningd). */
    public void silent(boolean on) {
        silent = on;
    }

    private void startPlugin(List<String> command) throws Exception {
        String exe = Path.of(command.get(0)).getFileName().toString();
        String name = exe.equals("java") ? "java" : exe.replaceFirst("\\.(py|sh|jar)$", "");
        PluginProcess p = new PluginProcess(this, name, command, networkDir, env);
        plugins.add(p);
        JsonObject manifest = p.request("getmanifest", new JsonObject().put("allow-deprecated-apis", false))
                .get(60, TimeUnit.SECONDS);
        if (!manifest.containsKey("result")) {
            throw new IllegalStateException("plugin-" + name + ": getmanifest failed: " + manifest);
        }
        p.manifest = manifest.getJsonObject("result");
        JsonObject options = typeOptions(p.manifest.getJsonArray("options", new JsonArray()));
        for (Object m : p.manifest.getJsonArray("rpcmethods", new JsonArray())) {
            pluginMethods.put(((JsonObject) m).getString("name"), p);
        }
        JsonObject configuration = new JsonObject()
                .put("lightning-dir", networkDir.toString()).put("rpc-file", "lightning-rpc")
                .put("startup", true).put("network", NETWORK)
                .put("feature_set", new JsonObject().put("init", "08a0000a8a5961").put("node", "88a0000a8a5961")
                        .put("channel", "").put("invoice", "02000002024100"))
                .put("always_use_proxy", false);
        JsonObject init = p.request("init", new JsonObject().put("options", options).put("configuration", configuration))
                .get(90, TimeUnit.SECONDS);
        JsonObject result = init.getJsonObject("result");
        if (result != null && result.containsKey("disable")) {
            log("INFO", "plugin-" + name + ": Killing plugin: disabled itself at init: " + result.getString("disable"));
            p.disabled = true;
            p.process.destroy();
            pluginMethods.values().removeIf(x -> x == p);
        } else if (result == null) {
            log("UNUSUAL", "plugin-" + name + ": Killing plugin: init failed: " + init.getValue("error"));
            p.disabled = true;
            p.process.destroyForcibly();
        }
    }

    /** The configured options this plugin declares, typed as lightningd types them. */
    private JsonObject typeOptions(JsonArray declared) {
        JsonObject out = new JsonObject();
        for (Object o : declared) {
            JsonObject opt = (JsonObject) o;
            String name = opt.getString("name");
            List<String> values = rawOptions.get(name);
            if (values == null) {
                if (opt.containsKey("default")) {
                    out.put(name, opt.getValue("default"));
                }
                continue;
            }
            List<Object> typed = new ArrayList<>();
            for (String v : values) {
                typed.add(switch (opt.getString("type")) {
                    case "int" -> {
                        try {
                            yield Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
                        }
                    }
                    case "bool" -> Boolean.parseBoolean(v);
                    case "flag" -> true;
                    default -> v;
                });
            }
            Object value = opt.getBoolean("multi", false) ? new JsonArray(typed) : typed.get(typed.size() - 1);
            out.put(name, value);
            typedOptions.put(name, value);
        }
        return out;
    }

    @Override
    public void close() {
        for (PluginProcess p : plugins) {
            if (p.process.isAlive()) {
                p.notify("shutdown", new JsonObject());
            }
        }
        for (PluginProcess p : plugins) {
            try {
                if (!p.process.waitFor(10, TimeUnit.SECONDS)) {
                    p.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    // ---- RPC socket ---------------------------------------------------------------------------------

    private void onConnection(NetSocket socket) {
        sockets.add(socket);
        socket.closeHandler(v -> sockets.remove(socket));
        JsonParser parser = JsonParser.newParser().objectValueMode();
        parser.handler(event -> {
            if (event.type() == io.vertx.core.parsetools.JsonEventType.VALUE && event.value() instanceof JsonObject req) {
                onRequest(socket, req);
            }
        });
        parser.exceptionHandler(e -> {
            log("UNUSUAL", "jsonrpc: bad request: " + e.getMessage());
            socket.close();
        });
        socket.handler(parser);
    }

    private void onRequest(NetSocket socket, JsonObject req) {
        Object id = req.getValue("id");
        String method = req.getString("method");
        Object params = req.getValue("params");
        calls.add(new JsonObject().put("method", method).put("params", params));
        if (silent) {
            return;
        }
        PluginProcess plugin = pluginMethods.get(method);
        if (plugin != null) {
            plugin.request(method, params == null ? new JsonObject() : params).thenAccept(resp -> vertx.runOnContext(v -> {
                if (resp.containsKey("error")) {
                    reply(socket, id, null, resp.getJsonObject("error"));
                } else {
                    reply(socket, id, Json.encodeToBuffer(resp.getValue("result")), null);
                }
            }));
            return;
        }
        // Node methods may be slow (a 100 MB listinvoices): off the event loop, replies in completion order.
        // A costly checkrune (its database write) runs one at a time on a thread of its own, as on lightningd's
        // main loop, without holding up the other methods.
        io.vertx.core.Future<Buffer> answer = mainLoop != null && "checkrune".equals(method)
                ? mainLoop.executeBlocking(() -> rpc.call(method, params), true)
                : vertx.executeBlocking(() -> rpc.call(method, params), false);
        answer.onComplete(ar -> {
            if (ar.succeeded()) {
                reply(socket, id, ar.result(), null);
            } else if (ar.cause() instanceof NodeRpc.RpcFailure f) {
                reply(socket, id, null, f.error);
            } else if (ar.cause() instanceof Params.BadParams bp) {
                reply(socket, id, null, new JsonObject().put("code", -32602).put("message", bp.getMessage()));
            } else {
                reply(socket, id, null, new JsonObject().put("code", -32603).put("message", String.valueOf(ar.cause())));
            }
        });
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

    // ---- what tests and the demo use ---------------------------------------------------------------

    /** Send a notification to every plugin subscribed to it ({@code *} or the topic). */
    public void notifyPlugins(String topic, Object payload) {
        for (PluginProcess p : plugins) {
            if (p.disabled || p.manifest == null || !p.process.isAlive()) {
                continue;
            }
            JsonArray subs = p.manifest.getJsonArray("subscriptions", new JsonArray());
            if (subs.contains("*") || subs.contains(topic)) {
                p.notify(topic, payload);
            }
        }
    }

    /** Call a method of the node (or of a plugin) in-process, as lightning-cli would: the whole reply. */
    public JsonObject call(String method, Object params) throws Exception {
        PluginProcess plugin = pluginMethods.get(method);
        if (plugin != null) {
            return plugin.request(method, params == null ? new JsonObject() : params).get(30, TimeUnit.SECONDS);
        }
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        vertx.<Buffer>executeBlocking(() -> rpc.call(method, params)).onComplete(ar -> {
            if (ar.succeeded()) {
                f.complete(new JsonObject().put("result", Json.decodeValue(ar.result())));
            } else if (ar.cause() instanceof NodeRpc.RpcFailure rf) {
                f.complete(new JsonObject().put("error", rf.error));
            } else {
                f.complete(new JsonObject().put("error", new JsonObject().put("code", -32602).put("message", ar.cause().getMessage())));
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    /** createrune with restrictions (null = unrestricted): the rune string. */
    public String createRune(Object restrictions) throws Exception {
        JsonObject params = new JsonObject();
        if (restrictions != null) {
            params.put("restrictions", restrictions);
        }
        return call("createrune", params).getJsonObject("result").getString("rune");
    }

    public String nodeId() {
        return rpc.nodeId();
    }

    public Path lightningDir() {
        return lightningDir;
    }

    public Path networkDir() {
        return networkDir;
    }

    public Path rpcFile() {
        return rpcFile;
    }

    int seededInvoices() {
        return seededInvoices;
    }

    private final Object runeDb = new Object();

    /** A successful checkrune's database write ({@link Builder#checkruneCost}): one at a time, blocking. */
    void recordRuneUse() {
        if (checkruneCostNanos <= 0) {
            return;
        }
        synchronized (runeDb) {
            long until = System.nanoTime() + checkruneCostNanos;
            for (long left = checkruneCostNanos; left > 0; left = until - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }
    }

    Map<String, Object> configuredOptions() {
        return typedOptions;
    }

    Map<String, String> pluginMethods() {
        Map<String, String> out = new LinkedHashMap<>();
        pluginMethods.forEach((m, p) -> out.put(m, p.name));
        return out;
    }

    /** The plugin processes, in start order. */
    public List<Process> pluginProcesses() {
        return plugins.stream().map(p -> p.process).toList();
    }

    /** What plugin {@code index} answered to getmanifest. */
    public JsonObject manifest(int index) {
        return plugins.get(index).manifest;
    }

    /** Close plugin {@code index}'s stdin, as a dying lightningd would. */
    public void closePluginStdin(int index) {
        plugins.get(index).closeStdin();
    }

    /** Wait until plugin {@code index}'s stdout has ended and all it wrote there has been read (and logged). */
    public void awaitPluginStdoutEnd(int index, Duration timeout) throws Exception {
        plugins.get(index).stdoutDone.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean pluginDisabled(int index) {
        return plugins.get(index).disabled;
    }

    /** The RPC calls received on the socket, in arrival order: {method, params}. */
    public List<JsonObject> calls() {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    public void clearCalls() {
        calls.clear();
    }

    void log(String level, String line) {
        synchronized (log) {
            log.add(level + " " + line);
            log.notifyAll();
        }
        if (echo) {
            System.err.println(level + " " + line);
        }
    }

    public List<String> log() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** Wait until a log line satisfies {@code test}; returns it, or throws after {@code timeout}. */
    public String awaitLog(Predicate<String> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            int seen = 0;
            while (true) {
                for (; seen < log.size(); seen++) {
                    if (test.test(log.get(seen))) {
                        return log.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such log line within " + timeout + "; log:\n" + String.join("\n", log));
                }
                log.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public String awaitLog(String contains, Duration timeout) throws InterruptedException {
        return awaitLog(l -> l.contains(contains), timeout);
    }

    /** Delete a directory tree (test clean-up helper). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.UncheckedIOException vanished) {
            // a socket or temp file went away while walking (its owner closed meanwhile): nothing left to delete
        }
    }
}
