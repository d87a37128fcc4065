package org.clnrest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.paths.DynamicPaths;

/**
 * The OpenAPI document clients read at {@code /openapi.json} and {@code /openapi.yaml} (and Swagger UI):
 * the packaged contract plus one operation per registered dynamic path, re-rendered on each registration
 * and kept as ready bytes, since clients read it far more often than plugins register paths.
 */
final class ServedContract {
    private static final YAMLMapper YAML = new YAMLMapper();
    static final String DYNAMIC_TAG = "dynamic";

    private final JsonObject base;
    private final Buffer baseYaml;
    private Buffer json;
    private Buffer yaml;

    ServedContract(JsonObject base, Buffer baseYaml) {
        this.base = base;
        this.baseYaml = baseYaml;
        this.json = base.toBuffer();
        this.yaml = baseYaml;
    }

    Buffer json() {
        return json;
    }

    Buffer yaml() {
        return yaml;
    }

    void update(DynamicPaths table) {
        if (table.isEmpty()) {
            json = base.toBuffer();
            yaml = baseYaml;
            return;
        }
        JsonObject doc = withDynamicPaths(base, table);
        json = doc.toBuffer();
        try {
            yaml = Buffer.buffer(YAML.writeValueAsBytes(doc.getMap()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the contract as YAML", e);
        }
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
        if (r.runeRestrictions() != null) {
            op.put("x-clnrest-rune-restrictions", r.runeRestrictions().copy());
        }
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
