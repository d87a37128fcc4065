package org.clnrest.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The node's own RPC methods: enough of lightningd to exercise the plugin. Each answer is the raw JSON of
 * {@code result}, or a {@link RpcFailure} with lightningd's code and message.
 */
final class NodeRpc {
    static final class RpcFailure extends RuntimeException {
        final JsonObject error;

        RpcFailure(int code, String message) {
            super(message, null, false, false);
            this.error = new JsonObject().put("code", code).put("message", message);
        }
    }

    private static final HexFormat HEX = HexFormat.of();
    private final SimulatedLightningd node;
    private final Runes runes = new Runes();
    private final String nodeId;
    private final Map<String, JsonObject> invoices = new LinkedHashMap<>();
    private final Map<List<String>, JsonObject> datastore = new java.util.TreeMap<>(NodeRpc::compareKeys);
    private final SecureRandom random = new SecureRandom();
    private long invoiceIndex;

    NodeRpc(SimulatedLightningd node) {
        this.node = node;
        byte[] id = new byte[32];
        random.nextBytes(id);
        this.nodeId = "02" + HEX.formatHex(id);
    }

    String nodeId() {
        return nodeId;
    }

    Runes runes() {
        return runes;
    }

    /** The methods the node itself serves (plugins add theirs). */
    static final List<String[]> COMMANDS = List.of(
            new String[]{"getinfo", "utility", "Show information about this node"},
            new String[]{"help", "utility", "List available commands, or give verbose help on one {command}"},
            new String[]{"invoice", "payment", "Create an invoice for {amount_msat} with {label} and {description}"},
            new String[]{"listinvoices", "payment", "Show invoice matching {label}, or all"},
            new String[]{"datastore", "utility", "Add a {key} and {hex}/{string} data to the data store"},
            new String[]{"listdatastore", "utility", "List the datastore, optionally only keys starting with {key}"},
            new String[]{"createrune", "utility", "Create or restrict an optional {rune} with optional {restrictions}"},
            new String[]{"checkrune", "utility", "Checks rune for validity"},
            new String[]{"showrunes", "utility", "Show the list of runes or decode an optional {rune}"},
            new String[]{"blacklistrune", "utility", "Blacklist a rune or range of runes by taking an optional {start} and an optional {end}"},
            new String[]{"listconfigs", "utility", "List all configuration options, or with [config], just that one"},
            new String[]{"stop", "utility", "Shut down the lightningd process"});

    /** Answer {@code method}; plugin methods are handled by the caller. Returns the result's JSON text. */
    Buffer call(String method, Object params) {
        return switch (method) {
            case "getinfo" -> json(getinfo(params));
            case "help" -> json(help(params));
            case "invoice" -> json(invoice(params));
            case "listinvoices" -> listinvoices(params);
            case "datastore" -> json(datastore(params));
            case "listdatastore" -> json(listdatastore(params));
            case "createrune" -> json(createrune(params));
            case "checkrune" -> json(checkrune(params));
            case "showrunes" -> json(showrunes(params));
            case "blacklistrune" -> json(blacklistrune(params));
            case "listconfigs" -> json(listconfigs(params));
            case "dev-notify" -> json(devNotify(params));
            default -> throw new RpcFailure(-32601, "Unknown command '" + method + "'");
        };
    }

    private static Buffer json(JsonObject o) {
        return o.toBuffer();
    }

    private JsonObject getinfo(Object params) {
        Params.parse(params);
        return new JsonObject()
                .put("id", nodeId).put("alias", "SIMULATEDNODE").put("color", "02aabb")
                .put("num_peers", 0).put("num_pending_channels", 0).put("num_active_channels", 0)
                .put("num_inactive_channels", 0).put("address", new JsonArray()).put("binding", new JsonArray())
                .put("version", "v26.06-simulated").put("blockheight", 110).put("network", "regtest")
                .put("fees_collected_msat", 0).put("lightning-dir", node.networkDir().toString())
                .put("our_features", new JsonObject().put("init", "08a0000a8a5961").put("node", "88a0000a8a5961")
                        .put("channel", "").put("invoice", "02000002024100"));
    }

    private JsonObject help(Object params) {
        Map<String, Object> p = Params.parse(params, "command?");
        String only = Params.string(p, "command");
        JsonArray out = new JsonArray();
        List<String[]> all = new ArrayList<>(COMMANDS);
        node.pluginMethods().forEach((name, plugin) -> all.add(new String[]{name, "plugin", "Provided by plugin " + plugin}));
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

    private synchronized JsonObject invoice(Object params) {
        Map<String, Object> p = Params.parse(params, "amount_msat", "label", "description", "expiry?", "fallbacks?",
                "preimage?", "exposeprivatechannels?", "cltv?", "deschashonly?");
        Long msat = Params.msat(p, "amount_msat", true);
        String label = Params.string(p, "label");
        String description = Params.string(p, "description");
        if (invoices.containsKey(label)) {
            throw new RpcFailure(900, "Duplicate label '" + label + "'");
        }
        byte[] preimage = new byte[32];
        random.nextBytes(preimage);
        String hash = HEX.formatHex(sha256(preimage));
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        long expiresAt = System.currentTimeMillis() / 1000 + 604800;
        long index = ++invoiceIndex;
        String bolt11 = "lnbcrt" + (msat == null ? "" : msat / 100 + "p") + "1sim" + hash.substring(0, 48);
        JsonObject inv = new JsonObject().put("label", label).put("bolt11", bolt11).put("payment_hash", hash)
                .put("status", "unpaid").put("description", description).put("expires_at", expiresAt)
                .put("created_index", index);
        if (msat != null) {
            inv.put("amount_msat", msat);
        }
        invoices.put(label, inv);
        JsonObject creation = new JsonObject().put("preimage", HEX.formatHex(preimage)).put("label", label);
        if (msat != null) {
            creation.put("msat", msat);
        }
        node.notifyPlugins("invoice_creation", creation);
        return new JsonObject().put("payment_hash", hash).put("expires_at", expiresAt).put("bolt11", bolt11)
                .put("payment_secret", HEX.formatHex(secret)).put("created_index", index);
    }

    /**
     * The invoices as JSON text. The seeded bulk ones are rendered once and kept (a reply can be 100 MB, and
     * the benchmark asks for 1.4 MB sixteen at a time: the node must not be what it measures).
     * {@code limit} caps the number of invoices, as lightningd's does (with {@code index}).
     */
    private Buffer listinvoices(Object params) {
        Map<String, Object> p = Params.parse(params, "label?", "invstring?", "payment_hash?", "offer_id?", "index?", "start?", "limit?");
        String label = Params.string(p, "label");
        long limit = p.get("limit") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
        if (p.get("limit") != null && p.get("index") == null) {
            throw new RpcFailure(-32602, "Can only use limit with index");
        }
        List<JsonObject> own;
        synchronized (this) {
            own = new ArrayList<>(invoices.values());
        }
        Buffer real = Buffer.buffer();
        long count = 0;
        for (JsonObject inv : own) {
            if ((label == null || label.equals(inv.getString("label"))) && count < limit) {
                if (count++ > 0) {
                    real.appendByte((byte) ',');
                }
                real.appendBuffer(inv.toBuffer());
            }
        }
        int seeded = label == null ? (int) Math.min(node.seededInvoices(), limit - count) : 0;
        byte[] bulk = seededText(seeded);
        Buffer out = Buffer.buffer(32 + real.length() + bulk.length);
        out.appendString("{\"invoices\":[").appendBuffer(real);
        if (count > 0 && seeded > 0) {
            out.appendByte((byte) ',');
        }
        return out.appendBytes(bulk).appendString("]}");
    }

    private final Map<Integer, byte[]> seededCache = new java.util.concurrent.ConcurrentHashMap<>();

    /** The first {@code n} seeded invoices, comma-separated, rendered once per n. */
    private byte[] seededText(int n) {
        if (n <= 0) {
            return new byte[0];
        }
        return seededCache.computeIfAbsent(n, k -> {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(k * 430);
            for (int i = 0; i < k; i++) {
                if (i > 0) {
                    b.write(',');
                }
                b.writeBytes(seeded(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return b.toByteArray();
        });
    }

    /** A deterministic invoice of about 420 bytes (the size of a real one with a short description). */
    static String seeded(int i) {
        String hash = String.format("%064x", (long) i * 2654435761L + 1);
        return "{\"label\":\"seed-" + i + "\",\"bolt11\":\"lnbcrt" + (1000 + i) + "n1pseeded" + hash
                + "\",\"payment_hash\":\"" + hash + "\",\"amount_msat\":" + (100_000_000_000L + i)
                + ",\"status\":\"paid\",\"pay_index\":" + (i + 1) + ",\"amount_received_msat\":" + (100_000_000_000L + i)
                + ",\"paid_at\":1760000000,\"description\":\"seeded invoice " + i + "\",\"expires_at\":1760604800"
                + ",\"created_index\":" + (i + 1) + ",\"updated_index\":" + (i + 1) + "}";
    }

    private synchronized JsonObject datastore(Object params) {
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

    private synchronized JsonObject listdatastore(Object params) {
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

    private JsonObject createrune(Object params) {
        Map<String, Object> p = Params.parse(params, "rune?", "restrictions?");
        try {
            return runes.create(p.get("restrictions"), Params.string(p, "rune"));
        } catch (IllegalArgumentException e) {
            throw new RpcFailure(-32602, "restrictions: " + e.getMessage());
        }
    }

    private JsonObject checkrune(Object params) {
        Map<String, Object> p = Params.parse(params, "rune", "nodeid?", "method?", "params?");
        JsonObject err = runes.check(Params.string(p, "rune"), Params.string(p, "nodeid"), Params.string(p, "method"),
                p.get("params"), nodeId);
        if (err != null) {
            throw new RpcFailure(err.getInteger("code"), err.getString("message"));
        }
        node.recordRuneUse();
        return new JsonObject().put("valid", true);
    }

    private JsonObject showrunes(Object params) {
        Map<String, Object> p = Params.parse(params, "rune?");
        return new JsonObject().put("runes", runes.show(Params.string(p, "rune")));
    }

    private JsonObject blacklistrune(Object params) {
        Map<String, Object> p = Params.parse(params, "start?", "end?", "relist?");
        if (p.containsKey("start")) {
            long start = Long.parseLong(p.get("start").toString());
            long end = p.containsKey("end") ? Long.parseLong(p.get("end").toString()) : start;
            for (long i = start; i <= end; i++) {
                runes.blacklist(i);
            }
        }
        return new JsonObject().put("blacklist", new JsonArray());
    }

    private JsonObject listconfigs(Object params) {
        Map<String, Object> p = Params.parse(params, "config?");
        String only = Params.string(p, "config");
        JsonObject configs = new JsonObject();
        node.configuredOptions().forEach((name, value) -> {
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
    private JsonObject devNotify(Object params) {
        Map<String, Object> p = Params.parse(params, "topic", "payload?");
        Object payload = p.getOrDefault("payload", new JsonObject());
        node.notifyPlugins(Params.string(p, "topic"), payload);
        return new JsonObject();
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
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (Exception e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
