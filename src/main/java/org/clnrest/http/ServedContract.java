package org.clnrest.http;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.clnrest.paths.DynamicPaths;

/**
 * The OpenAPI document clients read at {@code /openapi.json} and {@code /openapi.yaml} (and Swagger UI):
 * the packaged contract as shipped, or, once plugins have registered paths, the contract plus one operation
 * per registered path, rendered off the event loop when first asked for after a registration and kept. Anyone may read
 * it (no rune): it names each path's lightningd method and whether a rune is needed, never the rune
 * restrictions a plugin registered (they may fix params, which are the plugin's business).
 */
final class ServedContract {
    private static final YAMLMapper YAML = new YAMLMapper();
    static final String DYNAMIC_TAG = "dynamic";

    private final Vertx vertx;
    private final Contract base;
    private DynamicPaths table = DynamicPaths.empty();
    /** The current table's documents, rendered on a worker thread when first asked for (half a megabyte each). */
    private Future<Buffer> json;
    private Future<Buffer> yaml;

    ServedContract(Vertx vertx, Contract base) {
        this.vertx = vertx;
        this.base = base;
    }

    void update(DynamicPaths table) {
        this.table = table;
        json = null;
        yaml = null;
    }

    /** GET handler: the document as JSON. */
    void json(RoutingContext ctx) {
        if (json == null) {
            DynamicPaths t = table;
            json = t.isEmpty() ? Future.succeededFuture(base.jsonBytes)
                    : vertx.executeBlocking(() -> withDynamicPaths(base.json, t).toBuffer(), false);
        }
        serve(ctx, "application/json", json);
    }

    /** GET handler: the document as YAML. */
    void yaml(RoutingContext ctx) {
        if (yaml == null) {
            DynamicPaths t = table;
            yaml = t.isEmpty() ? Future.succeededFuture(base.yaml)
                    : vertx.executeBlocking(() -> Buffer.buffer(YAML.writeValueAsBytes(withDynamicPaths(base.json, t).getMap())), false);
        }
        serve(ctx, "application/yaml", yaml);
    }

    private static void serve(RoutingContext ctx, String type, Future<Buffer> doc) {
        doc.onSuccess(b -> ctx.response().putHeader("Content-Type", type).end(b)).onFailure(ctx::fail);
    }

    static JsonObject withDynamicPaths(JsonObject base, DynamicPaths table) {
        JsonObject doc = base.copy();
        JsonObject paths = doc.getJsonObject("paths");
        JsonArray tags = doc.getJsonArray("tags", new JsonArray());
        tags.add(new JsonObject().put("name", DYNAMIC_TAG).put("description", "Paths registered by plugins (clnrest-register-path)"));
        doc.put("tags", tags);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (DynamicPaths.Route r : table.routes()) {
            String id = operationId(r);
            for (int n = 2; !ids.add(id); n++) {
                id = operationId(r) + "_" + n;
            }
            String key = "/" + r.path();
            JsonObject item = paths.getJsonObject(key);
            if (item == null) {
                item = new JsonObject();
                paths.put(key, item);
            }
            item.put(r.httpMethod().toLowerCase(java.util.Locale.ROOT), operation(r, id));
        }
        return doc;
    }

    private static JsonObject operation(DynamicPaths.Route r, String id) {
        JsonObject op = new JsonObject()
                .put("operationId", id)
                .put("tags", new JsonArray().add(DYNAMIC_TAG))
                .put("summary", "Calls " + r.rpcMethod() + (r.runeRequired() ? "" : " (no rune needed)"))
                .put("x-clnrest-rpc-method", r.rpcMethod());
        op.put("security", r.runeRequired() ? new JsonArray().add(new JsonObject().put("rune", new JsonArray())) : new JsonArray());
        JsonArray parameters = new JsonArray();
        for (String name : r.captures()) {
            parameters.add(new JsonObject().put("name", name).put("in", "path").put("required", true)
                    .put("schema", new JsonObject().put("type", "string")));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (!r.httpMethod().equals("GET")) {
            JsonObject schema = new JsonObject().put("$ref", "#/components/schemas/Params");
            op.put("requestBody", new JsonObject().put("required", false)
                    .put("description", "More params of the call, merged with the path's captures")
                    .put("content", new JsonObject()
                            .put("application/json", new JsonObject().put("schema", schema))
                            .put("application/yaml", new JsonObject().put("schema", schema.copy()))));
        }
        JsonObject responses = new JsonObject()
                .put("201", new JsonObject().put("description", "The result of " + r.rpcMethod())
                        .put("content", new JsonObject().put("application/json",
                                new JsonObject().put("schema", new JsonObject().put("type", "object")))))
                .put("404", ref("NotFound"))
                .put("406", ref("NotAcceptable"))
                .put("500", ref("RpcError"))
                .put("503", ref("Unavailable"));
        if (r.runeRequired()) {
            responses.put("401", ref("Unauthorized")).put("403", ref("Forbidden"));
        }
        return op.put("responses", responses);
    }

    private static JsonObject ref(String response) {
        return new JsonObject().put("$ref", "#/components/responses/" + response);
    }

    /** Stable and unique per (method, path): {@code dyn_get_v1_echo_user}. */
    static String operationId(DynamicPaths.Route r) {
        return "dyn_" + r.httpMethod().toLowerCase(java.util.Locale.ROOT) + "_"
                + r.path().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
