package org.clnrest.http;

import java.util.List;
import java.util.regex.Pattern;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers and CORS for every response. {@code clnrest-cors-origins} entries are {@code *}, exact
 * origins ({@code https://app.example:8443}) or regular expressions matched against the whole Origin.
 * A matching Origin is echoed (or {@code *} when configured); a foreign one gets no CORS headers, so the
 * browser withholds the answer.
 */
final class Cors implements Handler<RoutingContext> {
    private static final Pattern PLAIN_ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");
    private static final String ALLOW_HEADERS = "Rune, Nodeid, Content-Type, Accept, Authorization";
    private static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

    private final String csp;
    private final boolean any;
    private final List<String> exact;
    private final List<Pattern> patterns;

    Cors(String csp, List<String> origins) {
        this.csp = csp;
        this.any = origins.contains("*");
        this.exact = origins.stream().filter(o -> PLAIN_ORIGIN.matcher(o).matches()).toList();
        this.patterns = origins.stream().filter(o -> !o.equals("*") && !PLAIN_ORIGIN.matcher(o).matches())
                .map(Pattern::compile).toList();
    }

    boolean allowed(String origin) {
        return any || exact.contains(origin) || patterns.stream().anyMatch(p -> p.matcher(origin).matches());
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Security-Policy", csp);
        res.putHeader("X-Content-Type-Options", "nosniff");
        String origin = ctx.request().getHeader("Origin");
        boolean ok = origin != null && allowed(origin);
        if (ok) {
            res.putHeader("Access-Control-Allow-Origin", any ? "*" : origin);
            if (!any) {
                res.putHeader("Vary", "Origin");
            }
        }
        if (ctx.request().method() == HttpMethod.OPTIONS && ctx.request().getHeader("Access-Control-Request-Method") != null) {
            if (ok) {
                res.putHeader("Access-Control-Allow-Methods", ALLOW_METHODS)
                        .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS)
                        .putHeader("Access-Control-Max-Age", "600");
            }
            res.setStatusCode(204).end();
            return;
        }
        ctx.next();
    }
}
