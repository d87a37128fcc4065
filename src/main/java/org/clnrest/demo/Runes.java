package org.clnrest.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The simulated node's runes. Same text format as lightningd's (base64url of a 32-byte authcode followed
 * by the restrictions {@code =<id>&method=getinfo|method=help&...}), same restriction language and the same
 * error codes and messages from {@code checkrune}. The authcode is an HMAC-SHA256 of the restrictions under
 * the node's secret instead of lightningd's SHA-256 midstate chain: a rune of this node verifies here and
 * nowhere else, which is all a simulator needs.
 */
final class Runes {
    static final int NOT_AUTHORIZED = 1501;
    static final int NOT_PERMITTED = 1502;
    static final int BLACKLISTED = 1503;

    private final byte[] secret;
    private final Set<Long> blacklist = new HashSet<>();
    private final List<JsonObject> issued = new ArrayList<>();
    private long nextId;

    private final NodeLog log;

    /** @param secret the node's rune key ({@link NodeSecret#runeKey}); {@code log} gets lightningd's lines */
    Runes(byte[] secret, NodeLog log) {
        this.secret = secret.clone();
        this.log = log;
    }

    /** The reply to createrune: restrictions as lightningd takes them ("readonly", [str], [[str]]). */
    synchronized JsonObject create(Object restrictions, String baseRune) {
        List<List<String>> extra = parseRestrictions(restrictions);
        String text;
        String uniqueId;
        if (baseRune != null) {
            String base = decodeVerified(baseRune);
            text = base;
            uniqueId = uniqueId(base);
        } else {
            uniqueId = Long.toString(nextId++);
            text = "=" + uniqueId;
        }
        StringBuilder sb = new StringBuilder(text);
        for (List<String> alternatives : extra) {
            sb.append('&').append(String.join("|", alternatives));
        }
        String rune = encode(sb.toString());
        JsonObject reply = new JsonObject().put("rune", rune).put("unique_id", uniqueId);
        if (extra.isEmpty() && baseRune == null) {
            reply.put("warning_unrestricted_rune", "WARNING: This rune has no restrictions! Anyone who has access to this rune could drain funds from your node. Be careful when giving this to apps that you don't trust. Consider using the restrictions parameter to only allow access to specific rpc methods.");
        }
        issued.add(new JsonObject().put("rune", rune).put("unique_id", uniqueId));
        return reply;
    }

    synchronized JsonArray show(String rune) {
        JsonArray out = new JsonArray();
        for (JsonObject r : issued) {
            if (rune == null || rune.equals(r.getString("rune"))) {
                String text = decodeVerified(r.getString("rune"));
                JsonArray restrictions = new JsonArray();
                String[] parts = text.split("&");
                for (int i = 1; i < parts.length; i++) {
                    JsonArray alts = new JsonArray();
                    for (String alt : parts[i].split("\\|")) {
                        Condition c = Condition.parse(alt);
                        alts.add(new JsonObject().put("fieldname", c.field).put("value", c.value)
                                .put("condition", String.valueOf(c.op)).put("english", c.english()));
                    }
                    restrictions.add(new JsonObject().put("alternatives", alts));
                }
                out.add(r.copy().put("restrictions", restrictions));
            }
        }
        return out;
    }

    synchronized void blacklist(long id) {
        blacklist.add(id);
    }

    /** checkrune: null when the rune allows the call, else lightningd's error {code, message}. */
    synchronized JsonObject check(String rune, String nodeid, String method, Object params, String ourNodeId) {
        String text;
        try {
            text = decode(rune);
        } catch (IllegalArgumentException e) {
            // lightningd's command_fail_badparam without dev APIs: the token goes to the log, not to the caller.
            log.add("INFO", "jsonrpc: JSON COMMAND checkrune: Invalid parameter rune (should be base64 string): token '" + rune + "'");
            return error(-32602, "rune: should be base64 string: invalid token (see logs for details)");
        }
        if (!verified(rune, text)) {
            return error(NOT_AUTHORIZED, "Not authorized: Not derived from master");
        }
        String id = uniqueId(text);
        try {
            if (blacklist.contains(Long.parseLong(id))) {
                return error(BLACKLISTED, "Not authorized: Blacklisted rune");
            }
        } catch (NumberFormatException ignored) {
            // not a number: cannot be blacklisted
        }
        Map<String, String> fields = new java.util.HashMap<>();
        if (method != null) {
            fields.put("method", method);
        }
        fields.put("id", nodeid != null ? nodeid : ourNodeId);
        if (params instanceof JsonObject o) {
            o.forEach(e -> fields.put("pname" + e.getKey().replace("_", ""), stringOf(e.getValue())));
        } else if (params instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                fields.put("parr" + i, stringOf(a.getValue(i)));
            }
        }
        String[] parts = text.split("&");
        for (int i = 1; i < parts.length; i++) {
            String why = null;
            for (String alt : parts[i].split("\\|")) {
                Condition c = Condition.parse(alt);
                String fail = c.test(fields);
                if (fail == null) {
                    why = null;
                    break;
                }
                why = why == null ? fail : why + " AND " + fail;
            }
            if (why != null) {
                return error(NOT_PERMITTED, "Not permitted: " + why);
            }
        }
        return null;
    }

    private static String stringOf(Object v) {
        if (v instanceof JsonObject || v instanceof JsonArray) {
            return v.toString();
        }
        return String.valueOf(v);
    }

    static JsonObject error(int code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }

    // ---- encoding ------------------------------------------------------------------------------------

    private String encode(String restrictions) {
        byte[] text = restrictions.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(mac(text), 32 + text.length);
        System.arraycopy(text, 0, out, 32, text.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    private static String decode(String rune) {
        byte[] raw = Base64.getUrlDecoder().decode(rune.trim());
        if (raw.length < 32) {
            throw new IllegalArgumentException("too short");
        }
        for (int i = 32; i < raw.length; i++) {
            if (raw[i] == 0) {
                throw new IllegalArgumentException("restrictions are not a C string"); // ccan/rune's rune_from_base64n
            }
        }
        return new String(raw, 32, raw.length - 32, StandardCharsets.UTF_8);
    }

    private boolean verified(String rune, String text) {
        byte[] raw = Base64.getUrlDecoder().decode(rune.trim());
        return java.security.MessageDigest.isEqual(Arrays.copyOf(raw, 32), mac(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String decodeVerified(String rune) {
        String text = decode(rune);
        if (!verified(rune, text)) {
            throw new IllegalArgumentException("Not derived from master");
        }
        return text;
    }

    private static String uniqueId(String text) {
        int amp = text.indexOf('&');
        String first = amp < 0 ? text : text.substring(0, amp);
        return first.startsWith("=") ? first.substring(1) : "";
    }

    private byte[] mac(byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<List<String>> parseRestrictions(Object restrictions) {
        List<List<String>> out = new ArrayList<>();
        if (restrictions == null) {
            return out;
        }
        if ("readonly".equals(restrictions)) {
            out.add(List.of("method^list", "method^get", "method=summary"));
            out.add(List.of("method/listdatastore"));
            return out;
        }
        if (restrictions instanceof String s) {
            out.add(List.of(s.split("\\|")));
            return out;
        }
        if (restrictions instanceof JsonArray arr) {
            for (Object o : arr) {
                if (o instanceof String s) {
                    out.add(List.of(s.split("\\|")));
                } else if (o instanceof JsonArray alts) {
                    out.add(alts.stream().map(String::valueOf).toList());
                } else {
                    throw new IllegalArgumentException("restrictions must be strings or arrays of strings");
                }
            }
            return out;
        }
        throw new IllegalArgumentException("restrictions must be 'readonly' or an array");
    }

    /** One alternative: field, operator, value. */
    record Condition(String field, char op, String value) {
        private static final String OPS = "!=/^$~<>{}#";

        static Condition parse(String alt) {
            for (int i = 0; i < alt.length(); i++) {
                if (OPS.indexOf(alt.charAt(i)) >= 0) {
                    return new Condition(alt.substring(0, i), alt.charAt(i), alt.substring(i + 1));
                }
            }
            throw new IllegalArgumentException("Invalid restriction '" + alt + "'");
        }

        /** null when satisfied, else the reason (as ccan/rune words it). */
        String test(Map<String, String> fields) {
            if (op == '#') {
                return null;
            }
            String v = fields.get(field);
            if (op == '!') {
                return v == null ? null : field + " is present";
            }
            if (v == null) {
                return field + " is missing";
            }
            switch (op) {
                case '=': return v.equals(value) ? null : field + " is not equal to " + value;
                case '/': return !v.equals(value) ? null : field + " is equal to " + value;
                case '^': return v.startsWith(value) ? null : field + " does not start with " + value;
                case '$': return v.endsWith(value) ? null : field + " does not end with " + value;
                case '~': return v.contains(value) ? null : field + " does not contain " + value;
                case '<': case '>': {
                    long a;
                    long b;
                    try {
                        a = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        return field + " is not an integer field";
                    }
                    try {
                        b = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return field + " is not a valid integer";
                    }
                    if (op == '<') {
                        return a < b ? null : field + " is greater or equal to " + value;
                    }
                    return a > b ? null : field + " is less than or equal to " + value;
                }
                case '{': return v.compareTo(value) < 0 ? null : field + " is the same or ordered after " + value;
                case '}': return v.compareTo(value) > 0 ? null : field + " is the same or ordered before " + value;
                default: return "unknown condition " + op;
            }
        }

        String english() {
            return switch (op) {
                case '=' -> field + " equal to " + value;
                case '/' -> field + " unequal to " + value;
                case '^' -> field + " starts with " + value;
                case '$' -> field + " ends with " + value;
                case '~' -> field + " contains " + value;
                case '<' -> field + " < " + value;
                case '>' -> field + " > " + value;
                case '!' -> field + " is missing";
                case '#' -> "comment " + value;
                default -> field + " " + op + " " + value;
            };
        }
    }
}
