package org.clnrest.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The page of {@code GET /v1/list-methods}: one block per command of lightningd's {@code help}. */
final class ListMethodsPage {
    private static final String LINE = "=".repeat(85);

    private ListMethodsPage() {}

    /** GET /v1/list-methods: lightningd's help as HTML (no rune needed, as upstream). */
    static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> handler(org.clnrest.rpc.Rpc rpc) {
        return ctx -> rpc.call("help", new JsonObject()).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isError()) {
                ctx.fail(ApiError.rpcError(ar.result().error()));
            } else {
                JsonArray help = ar.result().resultObject().getJsonArray("help", new JsonArray());
                ctx.response().setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8").end(render(help));
            }
        });
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
