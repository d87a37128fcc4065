package org.clnrest.paths;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonObject;

/**
 * A registered path as upstream's router ({@code matchit} 0.9) reads it: segments split on {@code /}, each a
 * literal or one capture with optional literal text around it ({@code v{version}}, {@code {id}.json}). A
 * capture matches a non-empty part of one segment and is bound as a string.
 */
final class PathPattern {
    /** One segment: a literal ({@code name == null}) or {@code prefix{name}suffix}. */
    record Segment(String prefix, String name, String suffix) {
        boolean isCapture() {
            return name != null;
        }

        /** Upstream's priority: a literal first, then captures by the length of their literal prefix. */
        int rank() {
            return name == null ? Integer.MAX_VALUE : prefix.length() * 2 + (suffix.isEmpty() ? 0 : 1);
        }

        /** The captured text if {@code s} matches, else null ("" for a literal match). */
        String match(String s) {
            if (name == null) {
                return prefix.equals(s) ? "" : null;
            }
            boolean fits = s.length() > prefix.length() + suffix.length() && s.startsWith(prefix) && s.endsWith(suffix);
            return fits ? s.substring(prefix.length(), s.length() - suffix.length()) : null;
        }
    }

    final String path;
    final List<Segment> segments;

    private PathPattern(String path, List<Segment> segments) {
        this.path = path;
        this.segments = segments;
    }

    /** {@code path} trimmed of slashes, as upstream stores it; throws {@link DynamicPaths.Invalid} for malformed captures. */
    static PathPattern parse(String path) {
        List<Segment> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            int open = s.indexOf('{');
            int close = s.indexOf('}');
            if (open < 0 && close < 0) {
                out.add(new Segment(s, null, null));
                continue;
            }
            if (open < 0 || close < open || s.indexOf('{', open + 1) >= 0 || s.indexOf('}', close + 1) >= 0) {
                throw new DynamicPaths.Invalid(open >= 0 && s.indexOf('{', open + 1) >= 0
                        ? "Only one parameter is allowed per path segment: '" + s + "' in path '" + path + "'"
                        : "Invalid capture '" + s + "' in path '" + path + "'");
            }
            String name = s.substring(open + 1, close);
            if (name.isEmpty()) {
                throw new DynamicPaths.Invalid("Parameters must be registered with a valid name: '" + s + "' in path '" + path + "'");
            }
            out.add(new Segment(s.substring(0, open), name, s.substring(close + 1)));
        }
        return new PathPattern(path, List.copyOf(out));
    }

    List<String> captures() {
        return segments.stream().filter(Segment::isCapture).map(Segment::name).toList();
    }

    /** The captures of a request whose (decoded) segments match, or null. */
    JsonObject match(List<String> request) {
        if (request.size() != segments.size()) {
            return null;
        }
        JsonObject captures = new JsonObject();
        for (int i = 0; i < request.size(); i++) {
            Segment seg = segments.get(i);
            String got = seg.match(request.get(i));
            if (got == null) {
                return null;
            }
            if (seg.isCapture()) {
                captures.put(seg.name(), got);
            }
        }
        return captures;
    }

    /** Positive when this pattern beats {@code other} for a request both match: literal text earliest wins. */
    int compareRank(PathPattern other) {
        for (int i = 0; i < segments.size(); i++) {
            int c = Integer.compare(segments.get(i).rank(), other.segments.get(i).rank());
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * Whether the router could not hold both although neither matches the other's text: captures in the same
     * places, one with only literal text after it and the other with only text before it (matchit refuses
     * {@code x/{a}suffix} beside {@code x/prefix{a}}: it cannot order them).
     */
    boolean clashesWith(PathPattern other) {
        if (segments.size() != other.segments.size()) {
            return false;
        }
        boolean clash = false;
        for (int i = 0; i < segments.size(); i++) {
            Segment a = segments.get(i);
            Segment b = other.segments.get(i);
            if (a.isCapture() != b.isCapture() || !a.isCapture() && !a.prefix().equals(b.prefix())) {
                return false;
            }
            if (a.isCapture() && (suffixOnly(a) && prefixOnly(b) || prefixOnly(a) && suffixOnly(b))) {
                clash = true;
            }
        }
        return clash;
    }

    private static boolean prefixOnly(Segment s) {
        return !s.prefix().isEmpty() && s.suffix().isEmpty();
    }

    private static boolean suffixOnly(Segment s) {
        return s.prefix().isEmpty() && !s.suffix().isEmpty();
    }
}
