package org.clnrest.http;

import java.util.List;
import java.util.regex.Pattern;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers and CORS on every answer, as upstream (tower-http's CorsLayer): with the default origin
 * {@code *}, {@code Access-Control-Allow-Origin: *} goes on every response, whether or not the request named an
 * Origin; with a list, a matching Origin is echoed (entries are exact origins or, this project's addition,
 * regular expressions matched against the whole Origin) and a foreign one gets no CORS header, so the browser
 * withholds the answer. Every OPTIONS request is a preflight, answered here with 200: methods {@code *} and the
 * headers the browser asked for, as upstream's "any".
 */
final class Cors implements Handler<RoutingContext> {
    private static final Pattern PLAIN_ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-\\[\\]:]+");

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
        return any || origin != null && (exact.contains(origin) || patterns.stream().anyMatch(p -> p.matcher(origin).matches()));
    }

    @Override
    public void handle(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        boolean ok = headers(ctx.response(), origin);
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            if (ok) {
                String asked = ctx.request().getHeader("Access-Control-Request-Headers");
                ctx.response().putHeader("Access-Control-Allow-Methods", "*")
                        .putHeader("Access-Control-Allow-Headers", asked == null || asked.isBlank() ? "*" : asked);
            }
            ctx.response().setStatusCode(200).end();
            return;
        }
        ctx.next();
    }

    /** The headers of every answer; true when the origin is allowed. */
    boolean headers(HttpServerResponse res, String origin) {
        res.putHeader("Content-Security-Policy", csp);
        res.putHeader("X-Content-Type-Options", "nosniff");
        boolean ok = allowed(origin);
        if (ok) {
            res.putHeader("Access-Control-Allow-Origin", any ? "*" : origin);
            if (!any) {
                res.putHeader("Vary", "Origin");
            }
        }
        return ok;
    }
}
