package org.clnrest.demo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The node's invoices: invoice (which notifies invoice_creation) and listinvoices, with the seeded bulk ones. */
final class InvoiceMethods {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random;
    private final int seededInvoices;
    private final PluginHost plugins;
    private final Map<String, JsonObject> invoices = new LinkedHashMap<>();
    private final Map<Integer, byte[]> seededCache = new ConcurrentHashMap<>();
    private long invoiceIndex;

    InvoiceMethods(SecureRandom random, int seededInvoices, PluginHost plugins) {
        this.random = random;
        this.seededInvoices = seededInvoices;
        this.plugins = plugins;
    }

    synchronized JsonObject invoice(Object params) {
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
        plugins.notify("invoice_creation", creation);
        return new JsonObject().put("payment_hash", hash).put("expires_at", expiresAt).put("bolt11", bolt11)
                .put("payment_secret", HEX.formatHex(secret)).put("created_index", index);
    }

    /**
     * The invoices as JSON text. The seeded bulk ones are rendered once and kept (a reply can be 100 MB, and
     * the benchmark asks for 1.4 MB sixteen at a time: the node must not be what it measures).
     * {@code limit} caps the number of invoices, as lightningd's does (with {@code index}).
     */
    Buffer listinvoices(Object params) {
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
        int seeded = label == null ? (int) Math.min(seededInvoices, limit - count) : 0;
        byte[] bulk = seededText(seeded);
        Buffer out = Buffer.buffer(32 + real.length() + bulk.length);
        out.appendString("{\"invoices\":[").appendBuffer(real);
        if (count > 0 && seeded > 0) {
            out.appendByte((byte) ',');
        }
        return out.appendBytes(bulk).appendString("]}");
    }

    /** The first {@code n} seeded invoices, comma-separated, rendered once per n. */
    private byte[] seededText(int n) {
        if (n <= 0) {
            return new byte[0];
        }
        return seededCache.computeIfAbsent(n, k -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream(k * 430);
            for (int i = 0; i < k; i++) {
                if (i > 0) {
                    b.write(',');
                }
                b.writeBytes(seeded(i).getBytes(StandardCharsets.US_ASCII));
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

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
