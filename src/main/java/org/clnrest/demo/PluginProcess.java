package org.clnrest.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.MappingIterator;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

/** One plugin child process, spoken to the way lightningd does: JSON-RPC 2.0 over its stdin and stdout. */
final class PluginProcess {
    final String name;
    final Process process;
    private final OutputStream stdin;
    private final NodeLog log;
    private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** Completes when the plugin's stdout reaches its end (or failed to parse): everything it wrote was seen. */
    final CompletableFuture<Void> stdoutDone = new CompletableFuture<>();
    /** Where this plugin's own notifications (any method but log, message and progress) go: lightningd's dispatch. */
    private final BiConsumer<PluginProcess, JsonObject> onNotification;
    volatile JsonObject manifest;
    volatile boolean disabled;

    PluginProcess(NodeLog log, String name, List<String> command, Path cwd, Map<String, String> env,
            BiConsumer<PluginProcess, JsonObject> onNotification) throws IOException {
        this.log = log;
        this.name = name;
        this.onNotification = onNotification;
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().putAll(env);
        pb.environment().put("LIGHTNINGD_PLUGIN", "1");
        pb.environment().put("LIGHTNINGD_VERSION", SimulatedLightningd.VERSION);
        this.process = pb.start();
        this.stdin = process.getOutputStream();
        Thread out = new Thread(this::readStdout, "plugin-" + name + "-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readStderr, "plugin-" + name + "-stderr");
        err.setDaemon(true);
        err.start();
        process.onExit().thenRun(() -> {
            pending.values().forEach(f -> f.complete(new JsonObject().put("error",
                    new JsonObject().put("code", -4).put("message", "Plugin terminated before replying to RPC call."))));
            log.add("INFO", "plugin-" + name + ": exited with status " + process.exitValue());
        });
    }

    synchronized void send(JsonObject msg) {
        try {
            // lightningd writes compact JSON followed by a blank line
            stdin.write(msg.toBuffer().getBytes());
            stdin.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        } catch (IOException e) {
            // the plugin is gone; its exit is reported by onExit
        }
    }

    /** A request; completes with the whole response object ({@code result} or {@code error}). */
    CompletableFuture<JsonObject> request(String method, Object params) {
        String id = "cln:" + method + "#" + ids.incrementAndGet();
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        send(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params));
        return f;
    }

    /** A notification of lightningd's own: its payload wrapped as {@code {"<topic>": payload}}, as lightningd does. */
    void notify(String topic, Object payload) {
        send(new JsonObject().put("jsonrpc", "2.0").put("method", topic).put("params", new JsonObject().put(topic, payload)));
    }

    void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void readStdout() {
        try (MappingIterator<Map<String, Object>> it = DatabindCodec.mapper().readerFor(Map.class).readValues(process.getInputStream())) {
            while (it.hasNextValue()) {
                onMessage(new JsonObject(it.nextValue()));
            }
        } catch (Exception e) {
            if (!disabled) {
                // lightningd kills a plugin that writes anything but JSON-RPC to stdout (and says so even when the
                // plugin died right after writing it).
                log.add("UNUSUAL", "plugin-" + name + ": " + (process.isAlive() ? "Killing plugin: " : "")
                        + "JSON-RPC message does not parse: " + e.getMessage());
                process.destroyForcibly();
            }
        } finally {
            stdoutDone.complete(null);
        }
    }

    private void onMessage(JsonObject msg) {
        Object id = msg.getValue("id");
        String method = msg.getString("method");
        if (method == null && id != null) {
            CompletableFuture<JsonObject> f = pending.remove(String.valueOf(id));
            if (f != null) {
                f.complete(msg);
            }
            return;
        }
        if ("log".equals(method)) {
            JsonObject p = msg.getJsonObject("params", new JsonObject());
            log.add(p.getString("level", "info").toUpperCase(java.util.Locale.ROOT), "plugin-" + name + ": " + p.getString("message"));
            return;
        }
        if (id == null && method != null && !"message".equals(method) && !"progress".equals(method)) {
            onNotification.accept(this, msg);
            return;
        }
        log.add("DEBUG", "plugin-" + name + ": sent " + method);
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.add("STDERR", "plugin-" + name + ": " + line);
            }
        } catch (IOException ignored) {
            // process gone
        }
    }
}
