package org.clnrest.paths;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The dynamic REST paths other plugins register with {@code clnrest-register-path}: parsing and validating a
 * registration, the table of routes, and matching a request path against it. Immutable: every registration
 * makes a new table, so the HTTP verticle can hold a snapshot without locks.
 *
 * Paths are stored as upstream does: leading and trailing slashes trimmed ({@code /v1/echo/{user}/} is
 * {@code v1/echo/{user}}). A {@code {name}} segment captures one path segment. Two routes conflict when they
 * have the same shape (the same literal segments and captures in the same places, whatever the captures are
 * named) and the same HTTP method. A literal segment and a capture may overlap; the literal wins when both
 * match a request.
 */
public final class DynamicPaths {
    public static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Paths this server serves itself; a plugin cannot take them over. */
    static final Set<String> RESERVED_FIRST_SEGMENTS = Set.of("socket.io", "swagger-ui", "openapi.json", "openapi.yaml");
    static final String LIST_METHODS = "v1/list-methods";

    /** A registration that cannot be accepted; the message is the text lightningd's caller sees. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** One registered (path, HTTP method). */
    public record Route(String path, String httpMethod, String rpcMethod, boolean runeRequired, JsonObject runeRestrictions) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject().put("path", path).put("http_method", httpMethod)
                    .put("rpc_method", rpcMethod).put("rune_required", runeRequired);
            if (runeRestrictions != null) {
                o.put("rune_restrictions", runeRestrictions);
            }
            return o;
        }

        static Route fromJson(JsonObject o) {
            return new Route(o.getString("path"), o.getString("http_method"), o.getString("rpc_method"),
                    o.getBoolean("rune_required"), o.getJsonObject("rune_restrictions"));
        }

        List<String> segments() {
            return List.of(path.split("/", -1));
        }

        /** The capture names, in path order. */
        public List<String> captures() {
            List<String> out = new ArrayList<>();
            for (String s : segments()) {
                if (isCapture(s)) {
                    out.add(s.substring(1, s.length() - 1));
                }
            }
            return out;
        }

        /** Segments with every capture as {@code {}}: routes of one shape match the same requests. */
        String shape() {
            StringBuilder sb = new StringBuilder();
            for (String s : segments()) {
                sb.append(isCapture(s) ? "{}" : s).append('/');
            }
            return sb.toString();
        }
    }

    /** What a request path matched: a route (params from its captures), or a path without that HTTP method. */
    public record Match(Route route, JsonObject captures, String pathWithoutMethod) {
        public boolean methodNotAllowed() {
            return route == null;
        }
    }

    private final List<Route> routes;

    private DynamicPaths(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static DynamicPaths empty() {
        return new DynamicPaths(List.of());
    }

    public List<Route> routes() {
        return routes;
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    public JsonArray toJson() {
        JsonArray a = new JsonArray();
        routes.forEach(r -> a.add(r.toJson()));
        return a;
    }

    public static DynamicPaths fromJson(JsonArray a) {
        List<Route> list = new ArrayList<>();
        for (Object o : a) {
            list.add(Route.fromJson((JsonObject) o));
        }
        return new DynamicPaths(list);
    }

    // ---- registration ---------------------------------------------------------------------------------

    /** The table with {@code params} (clnrest-register-path's, by name or by position) added. */
    public DynamicPaths register(Object params) {
        Route r = parse(params);
        for (Route existing : routes) {
            if (existing.shape().equals(r.shape()) && existing.httpMethod().equals(r.httpMethod())) {
                throw new Invalid("Conflicting path '" + r.path() + "' already exists with http_method: " + r.httpMethod());
            }
        }
        List<Route> next = new ArrayList<>(routes);
        next.add(r);
        return new DynamicPaths(next);
    }

    static Route parse(Object params) {
        Map<String, Object> p = new LinkedHashMap<>();
        String[] names = {"path", "rpc_method", "http_method", "rune_required", "rune_restrictions"};
        if (params instanceof JsonObject o) {
            for (String n : names) {
                Object v = o.getValue(n);
                if (v != null) { // null counts as absent, as for every other call
                    p.put(n, v);
                }
            }
        } else if (params instanceof JsonArray a) {
            if (a.size() > names.length) {
                throw new Invalid("Too many parameters: at most " + names.length + " (path rpc_method [http_method] [rune_required] [rune_restrictions])");
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.getValue(i) != null) {
                    p.put(names[i], a.getValue(i));
                }
            }
        } else {
            throw new Invalid("Input arguments must be an array or object");
        }
        String rawPath = string(p, "path", true);
        String rpcMethod = string(p, "rpc_method", true);
        String httpMethod = string(p, "http_method", false);
        httpMethod = httpMethod == null ? "POST" : httpMethod.toUpperCase(java.util.Locale.ROOT);
        Object runeRequiredValue = p.getOrDefault("rune_required", Boolean.TRUE);
        if (!(runeRequiredValue instanceof Boolean runeRequired)) {
            throw new Invalid("rune_required must be a boolean");
        }
        Object restrictionsValue = p.get("rune_restrictions");
        JsonObject restrictions = null;
        if (restrictionsValue != null) {
            if (!(restrictionsValue instanceof JsonObject r)) {
                throw new Invalid("rune_restrictions must be an object");
            }
            for (String k : r.fieldNames()) {
                if (!Set.of("nodeid", "method", "params").contains(k)) {
                    throw new Invalid("rune_restrictions: unknown field `" + k + "` (nodeid, method, params)");
                }
            }
            if (r.containsKey("nodeid") && !(r.getValue("nodeid") instanceof String)) {
                throw new Invalid("rune_restrictions: nodeid must be a string");
            }
            if (r.containsKey("method") && !(r.getValue("method") instanceof String)) {
                throw new Invalid("rune_restrictions: method must be a string");
            }
            if (r.containsKey("params") && !(r.getValue("params") instanceof JsonObject)) {
                throw new Invalid("rune_restrictions: params must be an object");
            }
            restrictions = r.copy();
        }

        if (rawPath.equals("/")) {
            throw new Invalid("Path must not be root");
        }
        String path = trimSlashes(rawPath);
        if (path.isEmpty()) {
            throw new Invalid("Path must not be empty");
        }
        if (path.contains("{*")) {
            throw new Invalid("Wildcards not supported");
        }
        if (!HTTP_METHODS.contains(httpMethod)) {
            throw new Invalid(httpMethod + " is not a supported http method!");
        }
        if (!runeRequired && !httpMethod.equals("GET")) {
            throw new Invalid("rune_required must be true for anything but GET requests");
        }
        validateSegments(path);
        return new Route(path, httpMethod, rpcMethod, runeRequired, restrictions);
    }

    private static void validateSegments(String path) {
        List<String> seen = new ArrayList<>();
        String[] segments = path.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new Invalid("Path must not contain empty segments: '" + path + "'");
            }
            if (isCapture(s)) {
                String name = s.substring(1, s.length() - 1);
                if (name.isEmpty() || name.contains("{") || name.contains("}")) {
                    throw new Invalid("Invalid capture '" + s + "' in path '" + path + "'");
                }
                if (seen.contains(name)) {
                    throw new Invalid("Capture '" + name + "' appears twice in path '" + path + "'");
                }
                seen.add(name);
            } else if (s.contains("{") || s.contains("}")) {
                throw new Invalid("A capture must be a whole segment: '" + s + "' in path '" + path + "'");
            } else if (s.equals(".") || s.equals("..") || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '?' || c == '#' || c == '%')) {
                throw new Invalid("Invalid segment '" + s + "' in path '" + path + "'");
            }
        }
        if (!isCapture(segments[0]) && RESERVED_FIRST_SEGMENTS.contains(segments[0]) || path.equals(LIST_METHODS)) {
            throw new Invalid("Path '" + path + "' is served by clnrest itself");
        }
    }

    private static String string(Map<String, Object> p, String name, boolean required) {
        Object v = p.get(name);
        if (v == null) {
            if (required) {
                throw new Invalid(name + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new Invalid(name + " must be a string");
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

    static boolean isCapture(String segment) {
        return segment.length() >= 2 && segment.charAt(0) == '{' && segment.charAt(segment.length() - 1) == '}';
    }

    // ---- matching -------------------------------------------------------------------------------------

    /**
     * The route for a request, or null when no registered path matches it. {@code rawPath} is the request's
     * path as sent (percent-encoded); captures are decoded. Among routes whose path matches and which have
     * the HTTP method, the most specific (literal segments earliest) wins; when paths match but none has the
     * method, the answer is {@link Match#methodNotAllowed()}.
     */
    public Match match(String httpMethod, String rawPath) {
        if (routes.isEmpty()) {
            return null;
        }
        String[] req = trimSlashes(rawPath).split("/", -1);
        Route best = null;
        String bestRank = null;
        String pathWithoutMethod = null;
        for (Route r : routes) {
            String rank = rank(r, req);
            if (rank == null) {
                continue;
            }
            if (!r.httpMethod().equals(httpMethod)) {
                if (pathWithoutMethod == null) {
                    pathWithoutMethod = r.path();
                }
                continue;
            }
            if (best == null || rank.compareTo(bestRank) > 0) {
                best = r;
                bestRank = rank;
            }
        }
        if (best != null) {
            return new Match(best, captures(best, req), null);
        }
        return pathWithoutMethod == null ? null : new Match(null, null, pathWithoutMethod);
    }

    /** Null if {@code r} does not match; else one char per segment, '1' literal, '0' capture. */
    private static String rank(Route r, String[] req) {
        List<String> segs = r.segments();
        if (segs.size() != req.length) {
            return null;
        }
        StringBuilder rank = new StringBuilder(req.length);
        for (int i = 0; i < req.length; i++) {
            String s = segs.get(i);
            if (isCapture(s)) {
                if (req[i].isEmpty()) {
                    return null;
                }
                rank.append('0');
            } else if (s.equals(decode(req[i]))) {
                rank.append('1');
            } else {
                return null;
            }
        }
        return rank.toString();
    }

    private static JsonObject captures(Route r, String[] req) {
        JsonObject out = new JsonObject();
        List<String> segs = r.segments();
        for (int i = 0; i < req.length; i++) {
            String s = segs.get(i);
            if (isCapture(s)) {
                out.put(s.substring(1, s.length() - 1), decode(req[i]));
            }
        }
        return out;
    }

    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            // A path segment, not a form: '+' stays '+'.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
