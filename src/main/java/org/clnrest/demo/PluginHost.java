package org.clnrest.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** lightningd's side of the plugin protocol: starts plugins, getmanifest and init, notifications, shutdown. */
final class PluginHost {
    private final Path networkDir;
    private final Map<String, String> env;
    private final InitOptions options;
    private final NodeLog log;
    // read by the plugins' stdout threads (their notifications) while start() adds to it
    private final List<PluginProcess> plugins = new CopyOnWriteArrayList<>();
    private final Map<String, PluginProcess> methods = new LinkedHashMap<>();

    PluginHost(Path networkDir, Map<String, String> env, InitOptions options, NodeLog log) {
        this.networkDir = networkDir;
        this.env = env;
        this.options = options;
        this.log = log;
    }

    /** Start a plugin, getmanifest and init it (blocking); a plugin that fails init or disables itself is killed. */
    void start(List<String> command) throws Exception {
        String exe = Path.of(command.get(0)).getFileName().toString();
        String name = exe.equals("java") ? "java" : exe.replaceFirst("\\.(py|sh|jar)$", "");
        PluginProcess p = new PluginProcess(log, name, command, networkDir, env, this::forward);
        plugins.add(p);
        JsonObject manifest = p.request("getmanifest", new JsonObject().put("allow-deprecated-apis", false))
                .get(60, TimeUnit.SECONDS);
        if (!manifest.containsKey("result")) {
            throw new IllegalStateException("plugin-" + name + ": getmanifest failed: " + manifest);
        }
        p.manifest = manifest.getJsonObject("result");
        JsonObject typed = options.type(p.manifest.getJsonArray("options", new JsonArray()));
        for (Object m : p.manifest.getJsonArray("rpcmethods", new JsonArray())) {
            methods.put(((JsonObject) m).getString("name"), p);
        }
        JsonObject configuration = new JsonObject()
                .put("lightning-dir", networkDir.toString()).put("rpc-file", "lightning-rpc")
                .put("startup", true).put("network", SimulatedLightningd.NETWORK)
                .put("feature_set", new JsonObject().put("init", "08a0000a8a5961").put("node", "88a0000a8a5961")
                        .put("channel", "").put("invoice", "02000002024100"))
                .put("always_use_proxy", false);
        JsonObject init = p.request("init", new JsonObject().put("options", typed).put("configuration", configuration))
                .get(90, TimeUnit.SECONDS);
        JsonObject result = init.getJsonObject("result");
        if (result != null && result.containsKey("disable")) {
            log.add("INFO", "plugin-" + name + ": Killing plugin: disabled itself at init: " + result.getString("disable"));
            p.disabled = true;
            p.process.destroy();
            methods.values().removeIf(x -> x == p);
        } else if (result == null) {
            log.add("UNUSUAL", "plugin-" + name + ": Killing plugin: init failed: " + init.getValue("error"));
            p.disabled = true;
            p.process.destroyForcibly();
        }
    }

    /** The plugin that registered RPC method {@code method}, or null. */
    PluginProcess owner(String method) {
        return methods.get(method);
    }

    /** The plugins' RPC methods and, for each, the name of the plugin serving it (what help lists). */
    Map<String, String> methodOwners() {
        Map<String, String> out = new LinkedHashMap<>();
        methods.forEach((m, p) -> out.put(m, p.name));
        return out;
    }

    /** Send a notification to every plugin subscribed to it ({@code *} or the topic). */
    void notify(String topic, Object payload) {
        subscribers(topic).forEach(p -> p.notify(topic, payload));
    }

    private List<PluginProcess> subscribers(String topic) {
        return plugins.stream().filter(p -> !p.disabled && p.manifest != null && p.process.isAlive()).filter(p -> {
            JsonArray subs = p.manifest.getJsonArray("subscriptions", new JsonArray());
            return subs.contains("*") || subs.contains(topic);
        }).toList();
    }

    /**
     * A notification a plugin emits, forwarded as lightningd does (lightningd/plugin.c,
     * plugin_notification_handle): only a topic the plugin declared under {@code notifications} in its manifest,
     * to the plugins subscribed to it or to {@code *}, its params exactly as the plugin sent them (since v25.09
     * lightningd no longer wraps them in {@code {"origin", "payload"}}; plugins such as pay write those fields
     * themselves, beside the topic-named one, CHANGELOG #8376, issue #8478) and the sender's name as
     * {@code origin} beside {@code params}.
     */
    private void forward(PluginProcess from, JsonObject msg) {
        String topic = msg.getString("method");
        boolean declared = from.manifest != null && from.manifest.getJsonArray("notifications", new JsonArray()).stream()
                .anyMatch(n -> n instanceof JsonObject o && topic.equals(o.getString("method")));
        if (!declared) {
            log.add("UNUSUAL", "plugin-" + from.name + ": Plugin attempted to send a notification to topic \"" + topic
                    + "\" it hasn't declared in its manifest, not forwarding to subscribers.");
            return;
        }
        JsonObject out = new JsonObject().put("jsonrpc", "2.0").put("method", topic).put("origin", from.name)
                .put("params", msg.getValue("params"));
        subscribers(topic).forEach(p -> p.send(out));
    }

    /** Plugin {@code index}, in start order. */
    PluginProcess get(int index) {
        return plugins.get(index);
    }

    List<Process> processes() {
        return plugins.stream().map(p -> p.process).toList();
    }

    /** The shutdown notification to every live plugin, then wait for each to exit (killed after 10 s). */
    void shutdown() {
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
    }
}
