package org.clnrest.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The node's datastore: datastore (its modes and generations) and listdatastore, keys in lightningd's order. */
final class DatastoreMethods {
    private static final HexFormat HEX = HexFormat.of();
    private final Map<List<String>, JsonObject> datastore = new TreeMap<>(DatastoreMethods::compareKeys);

    synchronized JsonObject datastore(Object params) {
        Map<String, Object> p = Params.parse(params, "key", "string?", "hex?", "mode?", "generation?");
        List<String> key = key(p.get("key"));
        String mode = p.getOrDefault("mode", "must-create").toString();
        String hex = p.containsKey("hex") ? Params.string(p, "hex")
                : p.containsKey("string") ? HEX.formatHex(Params.string(p, "string").getBytes(StandardCharsets.UTF_8)) : "";
        JsonObject existing = datastore.get(key);
        switch (mode) {
            case "must-create" -> {
                if (existing != null) {
                    throw new RpcFailure(1202, "Key already exists");
                }
            }
            case "must-replace", "must-append" -> {
                if (existing == null) {
                    throw new RpcFailure(1203, "Key does not exist");
                }
            }
            case "create-or-replace", "create-or-append" -> { }
            default -> throw new RpcFailure(-32602, "mode: should be one of: must-create, must-replace, create-or-replace, must-append, create-or-append: invalid token '\"" + mode + "\"'");
        }
        if (mode.endsWith("append") && existing != null) {
            hex = existing.getString("hex") + hex;
        }
        long generation = existing == null ? 0 : existing.getLong("generation") + 1;
        JsonObject entry = new JsonObject().put("key", new JsonArray(new ArrayList<>(key))).put("generation", generation).put("hex", hex);
        String s = utf8(hex);
        if (s != null) {
            entry.put("string", s);
        }
        datastore.put(key, entry);
        return entry.copy();
    }

    synchronized JsonObject listdatastore(Object params) {
        Map<String, Object> p = Params.parse(params, "key?");
        List<String> prefix = p.containsKey("key") ? key(p.get("key")) : List.of();
        JsonArray out = new JsonArray();
        datastore.forEach((k, v) -> {
            if (k.size() >= prefix.size() && k.subList(0, prefix.size()).equals(prefix)) {
                out.add(v.copy());
            }
        });
        return new JsonObject().put("datastore", out);
    }

    private static List<String> key(Object k) {
        if (k instanceof JsonArray a) {
            return a.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(k));
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String utf8(String hex) {
        try {
            byte[] bytes = HEX.parseHex(hex);
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (Exception e) {
            return null;
        }
    }
}
