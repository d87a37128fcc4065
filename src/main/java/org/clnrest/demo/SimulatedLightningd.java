package org.clnrest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.vertx.core.json.JsonObject;

/**
 * A simulated lightningd: the one test double of the project. Like lightningd it starts plugins as child
 * processes (cwd {@code <lightning-dir>/<network>}, env {@code LIGHTNINGD_PLUGIN=1}), sends getmanifest and
 * init with options typed as the manifest declares them, records their {@code log} notifications prefixed
 * {@code plugin-<name>: }, sends them notifications, and answers JSON-RPC on a real unix socket
 * ({@code lightning-rpc}), replies ended by {@code \n\n}, with lightningd's error codes and messages.
 * This class is what tests and the demo use; the parts are {@link PluginHost}, {@link RpcSocket},
 * {@link MethodRouter} and {@link NodeRpc}.
 */
public final class SimulatedLightningd implements AutoCloseable {
    public static final String VERSION = "v26.06";
    public static final String NETWORK = "regtest";

    private final Path lightningDir;
    private final Path networkDir;
    private final Path rpcFile;
    private final long checkruneCostNanos;
    private final List<List<String>> pluginCommands;
    private final NodeLog log;
    final PluginHost plugins; // package-private: tests' NodeInternals
    private final NodeRpc rpc;
    private final MethodRouter router;
    private final RpcSocket socket;

    private SimulatedLightningd(Builder b) {
        this.lightningDir = b.lightningDir.toAbsolutePath();
        this.networkDir = lightningDir.resolve(NETWORK);
        this.rpcFile = networkDir.resolve("lightning-rpc");
        this.checkruneCostNanos = b.checkruneCost.toNanos();
        this.pluginCommands = b.plugins;
        this.log = new NodeLog(b.echo);
        InitOptions options = new InitOptions(b.options);
        this.plugins = new PluginHost(networkDir, b.env, options, log);
        this.rpc = new NodeRpc(networkDir, b.seededInvoices, checkruneCostNanos, plugins, options, log);
        this.router = new MethodRouter(rpc, plugins);
        this.socket = new RpcSocket(rpcFile, router, log);
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
        router.start(checkruneCostNanos > 0);
        startRpc();
        for (List<String> command : pluginCommands) {
            plugins.start(command);
        }
        return this;
    }

    /** Open (or reopen, after {@link #stopRpc}) the unix socket. */
    public void startRpc() throws Exception {
        socket.listen();
    }

    /** Close the socket and every connection on it (a fault for the plugin to survive). */
    public void stopRpc() throws Exception {
        socket.close();
    }

    /** Close the connections of RPC clients; the socket stays open for new ones. */
    public void dropConnections() {
        socket.dropConnections();
    }

    /** When silent, requests are read and never answered (a hung lightningd). */
    public void silent(boolean on) {
        socket.silent(on);
    }

    @Override
    public void close() {
        plugins.shutdown();
        router.close();
    }

    // ---- what tests and the demo use ---------------------------------------------------------------

    /** Call a method of the node (or of a plugin) in-process, as lightning-cli would: the whole reply. */
    public JsonObject call(String method, Object params) throws Exception {
        return router.call(method, params);
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

    /** What plugin {@code index} answered to getmanifest. */
    public JsonObject manifest(int index) {
        return plugins.get(index).manifest;
    }

    /** Close plugin {@code index}'s stdin, as a dying lightningd would. */
    public void closePluginStdin(int index) {
        plugins.get(index).closeStdin();
    }

    /** Wait until plugin {@code index}'s process has exited (after {@link #closePluginStdin}, say); false on timeout. */
    public boolean awaitPluginExit(int index, Duration timeout) throws InterruptedException {
        return plugins.get(index).process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
        return socket.calls();
    }

    public void clearCalls() {
        socket.clearCalls();
    }

    public List<String> log() {
        return log.lines();
    }

    /** Wait until a log line satisfies {@code test}; returns it, or throws after {@code timeout}. */
    public String awaitLog(Predicate<String> test, Duration timeout) throws InterruptedException {
        return log.await(test, timeout);
    }

    public String awaitLog(String contains, Duration timeout) throws InterruptedException {
        return awaitLog(l -> l.contains(contains), timeout);
    }
}
