package org.clnrest.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The node's informational methods: getinfo, help, listconfigs, and the simulator's dev-notify. */
final class InfoMethods {
    private final String nodeId;
    private final Path networkDir;
    private final PluginHost plugins;
    private final InitOptions options;

    InfoMethods(String nodeId, Path networkDir, PluginHost plugins, InitOptions options) {
        this.nodeId = nodeId;
        this.networkDir = networkDir;
        this.plugins = plugins;
        this.options = options;
    }

    JsonObject getinfo(Object params) {
        Params.parse(params);
        return new JsonObject()
                .put("id", nodeId).put("alias", "SIMULATEDNODE").put("color", "02aabb")
                .put("num_peers", 0).put("num_pending_channels", 0).put("num_active_channels", 0)
                .put("num_inactive_channels", 0).put("address", new JsonArray()).put("binding", new JsonArray())
                .put("version", "v26.06-simulated").put("blockheight", 110).put("network", "regtest")
                .put("fees_collected_msat", 0).put("lightning-dir", networkDir.toString())
                .put("our_features", new JsonObject().put("init", "08a0000a8a5961").put("node", "88a0000a8a5961")
                        .put("channel", "").put("invoice", "02000002024100"));
    }

    JsonObject help(Object params) {
        Map<String, Object> p = Params.parse(params, "command?");
        String only = Params.string(p, "command");
        JsonArray out = new JsonArray();
        List<String[]> all = new ArrayList<>(NodeRpc.COMMANDS);
        plugins.methodOwners().forEach((name, plugin) -> all.add(new String[]{name, "plugin", "Provided by plugin " + plugin}));
        for (String[] c : all) {
            if (only == null || only.equals(c[0])) {
                out.add(new JsonObject().put("command", c[0]).put("category", c[1]).put("description", c[2])
                        .put("verbose", c[2]));
            }
        }
        if (only != null && out.isEmpty()) {
            throw new RpcFailure(-32602, "command: Unknown command '" + only + "'");
        }
        return new JsonObject().put("help", out).put("format-hint", "simple");
    }

    JsonObject listconfigs(Object params) {
        Map<String, Object> p = Params.parse(params, "config?");
        String only = Params.string(p, "config");
        JsonObject configs = new JsonObject();
        options.configured().forEach((name, value) -> {
            if (only == null || only.equals(name)) {
                configs.put(name, new JsonObject().put("value_str", String.valueOf(value)).put("source", "cmdline"));
            }
        });
        if (only != null && configs.isEmpty() && !only.startsWith("clnrest") && !only.startsWith("rest-") && !only.equals("grpc-port")) {
            throw new RpcFailure(-32602, "Unknown config option " + only);
        }
        return new JsonObject().put("configs", configs);
    }

    /** Simulator only: emit a notification {@code topic} with {@code payload} to subscribed plugins. */
    JsonObject devNotify(Object params) {
        Map<String, Object> p = Params.parse(params, "topic", "payload?");
        Object payload = p.getOrDefault("payload", new JsonObject());
        plugins.notify(Params.string(p, "topic"), payload);
        return new JsonObject();
    }
}
