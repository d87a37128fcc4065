package org.clnrest.paths;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The table of REST paths other plugins register with {@code clnrest-register-path}, and the matching of a
 * request against it, as upstream does it (plugins/rest-plugin: main.rs register_path, shared.rs
 * path_to_rest_map_and_params, on a {@code matchit} router). Immutable: each registration makes a new table,
 * so the HTTP verticle holds a snapshot without locks.
 *
 * A registration is first looked up as if its path were a request: when it reaches an existing pattern, that
 * pattern gains the new HTTP method (upstream keeps the first pattern and its capture names), or the
 * registration is a conflict when the pattern has the method already. A request is matched to the best
 * pattern (literal text earliest wins), then to that pattern's HTTP methods; a pattern without the request's
 * method is a 405, even if a less specific pattern has it, as upstream.
 */
public final class DynamicPaths {
    /** A registration that cannot be accepted; the message is the text lightningd's caller sees. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** One registered (path pattern, HTTP method) and what it calls. */
    public record Route(String path, String httpMethod, String rpcMethod, boolean runeRequired, JsonObject runeRestrictions) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject().put("path", path).put("http_method", httpMethod)
                    .put("rpc_method", rpcMethod).put("rune_required", runeRequired);
            return runeRestrictions == null ? o : o.put("rune_restrictions", runeRestrictions);
        }

        static Route fromJson(JsonObject o) {
            return new Route(o.getString("path"), o.getString("http_method"), o.getString("rpc_method"),
                    o.getBoolean("rune_required"), o.getJsonObject("rune_restrictions"));
        }

        /** The capture names, in path order. */
        public List<String> captures() {
            return PathPattern.parse(path).captures();
        }
    }

    /**
     * What a request path matched: a route and its captures; or, when the best pattern has no route for the
     * request's method, {@code route == null} and {@code requestedPath} (decoded, without its leading slash).
     */
    public record Match(Route route, JsonObject captures, String requestedPath) {
        public boolean methodNotAllowed() {
            return route == null;
        }
    }

    private record Entry(Route route, PathPattern pattern) {}

    private final List<Entry> entries;

    private DynamicPaths(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static DynamicPaths empty() {
        return new DynamicPaths(List.of());
    }

    public List<Route> routes() {
        return entries.stream().map(Entry::route).toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public JsonArray toJson() {
        JsonArray a = new JsonArray();
        entries.forEach(e -> a.add(e.route().toJson()));
        return a;
    }

    public static DynamicPaths fromJson(JsonArray a) {
        List<Entry> list = new ArrayList<>();
        for (Object o : a) {
            Route r = Route.fromJson((JsonObject) o);
            list.add(new Entry(r, PathPattern.parse(r.path())));
        }
        return new DynamicPaths(list);
    }

    /** The table with {@code params} (clnrest-register-path's, by name or by position) added. */
    public DynamicPaths register(Object params) {
        Route r = Registration.parse(params);
        PathPattern pattern = PathPattern.parse(r.path());
        List<String> asRequest = List.of(r.path().split("/", -1));
        PathPattern existing = best(asRequest);
        if (existing != null) {
            for (Entry e : entries) {
                if (e.pattern().path.equals(existing.path) && e.route().httpMethod().equals(r.httpMethod())) {
                    throw new Invalid("Conflicting path '" + r.path() + "' already exists with http_method: " + r.httpMethod());
                }
            }
            // Upstream adds the method to the pattern the path reached, which keeps its own capture names.
            r = new Route(existing.path, r.httpMethod(), r.rpcMethod(), r.runeRequired(), r.runeRestrictions());
            pattern = existing;
        } else {
            for (Entry e : entries) {
                if (pattern.clashesWith(e.pattern())) {
                    throw new Invalid("Insertion failed due to conflict with previously registered route: " + e.route().path());
                }
            }
        }
        List<Entry> next = new ArrayList<>(entries);
        next.add(new Entry(r, pattern));
        return new DynamicPaths(next);
    }

    /**
     * The route for a request, or null when no registered path matches it. {@code path} is the request's
     * canonical path, percent-encoded; captures are decoded.
     */
    public Match match(String httpMethod, String path) {
        if (entries.isEmpty()) {
            return null;
        }
        List<String> segments = new ArrayList<>();
        for (String s : Registration.trimSlashes(path).split("/", -1)) {
            segments.add(decode(s));
        }
        PathPattern best = best(segments);
        if (best == null) {
            return null;
        }
        for (Entry e : entries) {
            if (e.pattern() == best || e.pattern().path.equals(best.path)) {
                if (e.route().httpMethod().equals(httpMethod)) {
                    return new Match(e.route(), best.match(segments), null);
                }
            }
        }
        return new Match(null, null, String.join("/", segments));
    }

    /** The pattern that wins for these segments, or null. */
    private PathPattern best(List<String> segments) {
        PathPattern best = null;
        for (Entry e : entries) {
            PathPattern p = e.pattern();
            if (p.match(segments) != null && (best == null || p.compareRank(best) > 0)) {
                best = p;
            }
        }
        return best;
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
