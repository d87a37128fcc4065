package org.clnrest.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** lightningd's parameter parsing: by name or by position, with its -32602 messages. */
final class Params {
    private Params() {}

    static final class BadParams extends RuntimeException {
        BadParams(String message) {
            super(message, null, false, false);
        }
    }

    /** Names ending in '?' are optional. */
    static Map<String, Object> parse(Object params, String... spec) {
        Map<String, Object> out = new HashMap<>();
        List<String> names = java.util.Arrays.stream(spec).map(s -> s.endsWith("?") ? s.substring(0, s.length() - 1) : s).toList();
        if (params instanceof JsonArray arr) {
            if (arr.size() > spec.length) {
                throw new BadParams("too many parameters: got " + arr.size() + ", expected " + spec.length);
            }
            for (int i = 0; i < arr.size(); i++) {
                if (arr.getValue(i) != null) {
                    out.put(names.get(i), arr.getValue(i));
                }
            }
        } else if (params instanceof JsonObject obj) {
            for (String k : obj.fieldNames()) {
                if (!names.contains(k)) {
                    throw new BadParams("unknown parameter: " + k + ", this may be caused by a failure to autodetect key=value-style parameters. Use the '-k' option to enforce key=value-style parameters.");
                }
                if (obj.getValue(k) != null) {
                    out.put(k, obj.getValue(k));
                }
            }
        } else if (params != null) {
            throw new BadParams("Expected array or object for params");
        }
        for (String s : spec) {
            if (!s.endsWith("?") && !out.containsKey(s)) {
                throw new BadParams("missing required parameter: " + s);
            }
        }
        return out;
    }

    static String string(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonObject || v instanceof JsonArray) {
            throw new BadParams(name + ": should be a string: invalid token '" + v + "'");
        }
        return String.valueOf(v);
    }

    /** msat amounts: integers, or strings "123" / "123msat"; "any" where allowed. */
    static Long msat(Map<String, Object> p, String name, boolean anyAllowed) {
        Object v = p.get(name);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= 0) {
            return n.longValue();
        }
        if (v instanceof String s) {
            if (anyAllowed && s.equals("any")) {
                return null;
            }
            String t = s.endsWith("msat") ? s.substring(0, s.length() - 4) : s;
            try {
                long l = Long.parseLong(t);
                if (l >= 0) {
                    return l;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error
            }
        }
        throw new BadParams(name + ": should be positive msat or 'any': invalid token '" + (v instanceof String ? "\"" + v + "\"" : v) + "'");
    }
}
