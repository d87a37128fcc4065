package org.clnrest.http;

import java.util.ArrayDeque;
import java.util.Deque;

import io.vertx.ext.web.RoutingContext;

/**
 * One spelling per path, before any routing decision: {@code /v1/./getinfo}, {@code /v1//getinfo},
 * {@code /v1/x/../getinfo}, {@code /./v1/getinfo} and {@code /v1/%2e/getinfo} are all {@code /v1/getinfo}, so
 * a path a plugin registered with its own rune restrictions cannot be reached around them. Percent-escapes of
 * unreserved characters are decoded, other escapes kept (upper-cased); {@code .}, {@code ..} and empty
 * segments go (RFC 3986 §6.2.2); a trailing slash stays (Swagger UI's relative links need it).
 */
final class CanonicalPath {
    private CanonicalPath() {}

    /** The handler: a request whose path is not canonical is routed again, as its canonical path. */
    static void reroute(RoutingContext ctx) {
        String path = ctx.request().path();
        String canonical = of(path);
        if (canonical.equals(path)) {
            ctx.next();
            return;
        }
        String query = ctx.request().query();
        ctx.reroute(query == null ? canonical : canonical + "?" + query);
    }

    static String of(String raw) {
        Deque<String> out = new ArrayDeque<>();
        String path = raw == null || raw.isEmpty() ? "/" : raw;
        for (String s : path.split("/", -1)) {
            String seg = unreserved(s);
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                out.pollLast();
                continue;
            }
            out.addLast(seg);
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : out) {
            sb.append('/').append(seg);
        }
        if (sb.length() == 0) {
            return "/";
        }
        if (path.endsWith("/")) {
            sb.append('/');
        }
        return sb.toString();
    }

    /** Decode %XX of unreserved characters (ALPHA DIGIT - . _ ~), upper-case the hex of the others. */
    private static String unreserved(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                sb.append(c);
                continue;
            }
            char decoded = (char) (hi * 16 + lo);
            if (Character.isLetterOrDigit(decoded) && decoded < 128 || decoded == '-' || decoded == '.' || decoded == '_' || decoded == '~') {
                sb.append(decoded);
            } else {
                sb.append('%').append(Character.toUpperCase(s.charAt(i + 1))).append(Character.toUpperCase(s.charAt(i + 2)));
            }
            i += 2;
        }
        return sb.toString();
    }
}
