package org.clnrest.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The node's command-line options, typed at init as lightningd types them for the plugin that declares them. */
final class InitOptions {
    private final Map<String, List<String>> raw;
    private final Map<String, Object> typed = new LinkedHashMap<>();

    /** {@code raw}: the values given on the command line, by option name, in order. */
    InitOptions(Map<String, List<String>> raw) {
        this.raw = raw;
    }

    /** The configured options this plugin declares, typed as lightningd types them. */
    JsonObject type(JsonArray declared) {
        JsonObject out = new JsonObject();
        for (Object o : declared) {
            JsonObject opt = (JsonObject) o;
            String name = opt.getString("name");
            List<String> values = raw.get(name);
            if (values == null) {
                if (opt.containsKey("default")) {
                    out.put(name, opt.getValue("default"));
                }
                continue;
            }
            List<Object> typedValues = new ArrayList<>();
            for (String v : values) {
                typedValues.add(switch (opt.getString("type")) {
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
            Object value = opt.getBoolean("multi", false) ? new JsonArray(typedValues) : typedValues.get(typedValues.size() - 1);
            out.put(name, value);
            typed.put(name, value);
        }
        return out;
    }

    /** The options given on the command line and declared by a plugin, typed (what listconfigs shows). */
    Map<String, Object> configured() {
        return typed;
    }
}
