package org.clnrest.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The page of {@code GET /v1/list-methods}: one block per command of lightningd's {@code help}. */
final class ListMethodsPage {
    private static final String LINE = "=".repeat(85);

    private ListMethodsPage() {}

    /** How long a rendered page is served again: anyone may ask (no rune), and each page costs lightningd a help. */
    static final long CACHE_MS = 10_000;

    /** GET /v1/list-methods: lightningd's help as HTML (no rune needed, as upstream), rendered at most every 10 s. */
    static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> handler(org.clnrest.rpc.Rpc rpc) {
        io.vertx.core.Future<String>[] page = new io.vertx.core.Future[1];
        long[] renderedAt = {0};
        return ctx -> {
            long now = System.currentTimeMillis();
            if (page[0] == null || page[0].failed() || now - renderedAt[0] > CACHE_MS) {
                renderedAt[0] = now;
                page[0] = rpc.call("help", new JsonObject()).map(reply -> {
                    if (reply.isError()) {
                        throw ApiError.rpcError(reply.error());
                    }
                    return render(reply.resultObject().getJsonArray("help", new JsonArray()));
                });
            }
            page[0].onSuccess(html -> ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8").end(html))
                    .onFailure(ctx::fail);
        };
    }

    static String render(JsonArray help) {
        StringBuilder sb = new StringBuilder(256 + help.size() * 200)
                .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>RPC methods</title></head><body>\n");
        for (Object o : help) {
            if (!(o instanceof JsonObject cmd)) {
                continue;
            }
            sb.append("<pre>")
                    .append("Command: ").append(escape(cmd.getString("command", ""))).append('\n');
            if (cmd.containsKey("category")) {
                sb.append("Category: ").append(escape(cmd.getString("category"))).append('\n');
            }
            if (cmd.containsKey("description")) {
                sb.append("Description: ").append(escape(cmd.getString("description"))).append('\n');
            }
            if (cmd.containsKey("verbose")) {
                sb.append("Verbose: ").append(escape(cmd.getString("verbose"))).append('\n');
            }
            sb.append(LINE).append("</pre>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
