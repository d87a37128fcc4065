package org.clnrest.paths;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The params of one {@code clnrest-register-path} call (by name or by position) as a {@link DynamicPaths.Route},
 * with upstream's rules and messages (plugins/rest-plugin: parse.rs, main.rs register_path), in upstream's order.
 */
final class Registration {
    private Registration() {}

    static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Paths this server serves itself; a plugin cannot take them over. */
    static final Set<String> RESERVED_FIRST_SEGMENTS = Set.of("socket.io", "swagger-ui", "openapi.json", "openapi.yaml", "swagger.json");
    /** Whole paths this server serves itself. */
    static final Set<String> RESERVED_PATHS = Set.of("v1/list-methods", "v1/notifications");
    private static final String[] NAMES = {"path", "rpc_method", "http_method", "rune_required", "rune_restrictions"};

    static DynamicPaths.Route parse(Object params) {
        Map<String, Object> p = byName(params);
        String rawPath = string(p, "path", true);
        String rpcMethod = string(p, "rpc_method", true);
        String httpMethod = string(p, "http_method", false);
        httpMethod = httpMethod == null ? "POST" : httpMethod.toUpperCase(Locale.ROOT);
        Object runeRequiredValue = p.getOrDefault("rune_required", Boolean.TRUE);
        if (!(runeRequiredValue instanceof Boolean runeRequired)) {
            throw new DynamicPaths.Invalid("rune_required must be a boolean");
        }
        JsonObject restrictions = restrictions(p.get("rune_restrictions"));
        if (rawPath.equals("/")) {
            throw new DynamicPaths.Invalid("Path must not be root");
        }
        String path = trimSlashes(rawPath);
        if (path.isEmpty()) {
            throw new DynamicPaths.Invalid("Path must not be empty");
        }
        if (path.contains("{*")) {
            throw new DynamicPaths.Invalid("Wildcards not supported");
        }
        if (!HTTP_METHODS.contains(httpMethod)) {
            throw new DynamicPaths.Invalid(httpMethod + " is not a supported http method!");
        }
        if (!runeRequired && !httpMethod.equals("GET")) {
            throw new DynamicPaths.Invalid("rune_required must be true for anything but GET requests");
        }
        PathPattern pattern = PathPattern.parse(path);
        reachable(pattern);
        return new DynamicPaths.Route(path, httpMethod, rpcMethod, runeRequired, restrictions);
    }

    private static Map<String, Object> byName(Object params) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (params instanceof JsonObject o) {
            for (String n : NAMES) {
                if (o.getValue(n) != null) { // null counts as absent, as for every other call
                    p.put(n, o.getValue(n));
                }
            }
        } else if (params instanceof JsonArray a) {
            if (a.size() > NAMES.length) {
                throw new DynamicPaths.Invalid("Too many parameters: at most " + NAMES.length
                        + " (path rpc_method [http_method] [rune_required] [rune_restrictions])");
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.getValue(i) != null) {
                    p.put(NAMES[i], a.getValue(i));
                }
            }
        } else {
            throw new DynamicPaths.Invalid("Input arguments must be an array or object");
        }
        return p;
    }

    /** {nodeid, method, params} for checkrune: the schema's fields, nothing else (this project's strictness). */
    private static JsonObject restrictions(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject r)) {
            throw new DynamicPaths.Invalid("rune_restrictions must be an object");
        }
        for (String k : r.fieldNames()) {
            if (!Set.of("nodeid", "method", "params").contains(k)) {
                throw new DynamicPaths.Invalid("rune_restrictions: unknown field `" + k + "` (nodeid, method, params)");
            }
        }
        for (String k : List.of("nodeid", "method")) {
            if (r.containsKey(k) && !(r.getValue(k) instanceof String)) {
                throw new DynamicPaths.Invalid("rune_restrictions: " + k + " must be a string");
            }
        }
        if (r.containsKey("params") && !(r.getValue("params") instanceof JsonObject)) {
            throw new DynamicPaths.Invalid("rune_restrictions: params must be an object");
        }
        return r.copy();
    }

    /**
     * This project refuses (upstream does not) paths no request can reach once its path is canonical (empty,
     * {@code .} or {@code ..} segments, control characters), a capture name used twice, and the server's own paths.
     */
    private static void reachable(PathPattern pattern) {
        String path = pattern.path;
        List<String> seen = new ArrayList<>();
        for (PathPattern.Segment s : pattern.segments) {
            String text = s.isCapture() ? s.prefix() + s.suffix() : s.prefix();
            if (!s.isCapture() && text.isEmpty()) {
                throw new DynamicPaths.Invalid("Path must not contain empty segments: '" + path + "'");
            }
            if (!s.isCapture() && (text.equals(".") || text.equals(".."))
                    || text.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '?' || c == '#' || c == '%')) {
                throw new DynamicPaths.Invalid("Invalid segment '" + text + "' in path '" + path + "'");
            }
            if (s.isCapture()) {
                if (seen.contains(s.name())) {
                    throw new DynamicPaths.Invalid("Capture '" + s.name() + "' appears twice in path '" + path + "'");
                }
                seen.add(s.name());
            }
        }
        PathPattern.Segment first = pattern.segments.get(0);
        if (!first.isCapture() && RESERVED_FIRST_SEGMENTS.contains(first.prefix()) || RESERVED_PATHS.contains(path)) {
            throw new DynamicPaths.Invalid("Path '" + path + "' is served by clnrest itself");
        }
    }

    private static String string(Map<String, Object> p, String name, boolean required) {
        Object v = p.get(name);
        if (v == null) {
            if (required) {
                throw new DynamicPaths.Invalid(name + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new DynamicPaths.Invalid(name + " must be a string");
        }
        return s;
    }

    static String trimSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }
}
