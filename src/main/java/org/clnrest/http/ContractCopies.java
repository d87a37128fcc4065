package org.clnrest.http;

import io.vertx.core.json.JsonObject;

/**
 * The contract the router is built from is the served one minus what vertx-web-openapi-router 5.0 cannot
 * load: request bodies in YAML, XML and form encoding (its loader refuses those media types). Those
 * bodies are parsed by the codecs of {@code http.format}; the document clients see keeps them.
 */
final class ContractCopies {
    private ContractCopies() {}

    static JsonObject forRouter(JsonObject served) {
        JsonObject copy = served.copy();
        // A relative server URL ("/": same origin, for Swagger UI) is fine for clients but not for the loader.
        copy.remove("servers");
        JsonObject paths = copy.getJsonObject("paths", new JsonObject());
        // The typed operations (one per lightningd method) are served and validated against, but routed by
        // the generic /v1/{rpc_method}: 160 more routes and schemas would only slow the contract's loading.
        paths.fieldNames().removeIf(p -> paths.getJsonObject(p).getJsonObject("post") != null
                && paths.getJsonObject(p).getJsonObject("post").containsKey(Contract.TYPED));
        JsonObject schemas = copy.getJsonObject("components", new JsonObject()).getJsonObject("schemas");
        if (schemas != null) {
            schemas.fieldNames().retainAll(java.util.Set.of("Params", "Error"));
        }
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String verb : item.fieldNames()) {
                if (!(item.getValue(verb) instanceof JsonObject op)) {
                    continue;
                }
                JsonObject body = op.getJsonObject("requestBody");
                if (body != null) {
                    jsonOnly(body);
                }
                JsonObject responses = op.getJsonObject("responses", new JsonObject());
                for (String status : responses.fieldNames()) {
                    jsonOnly(responses.getJsonObject(status));
                }
            }
        }
        JsonObject componentResponses = copy.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject());
        for (String name : componentResponses.fieldNames()) {
            jsonOnly(componentResponses.getJsonObject(name));
        }
        return copy;
    }

    /** Keep only the media types the loader accepts (JSON); what remains empty is dropped. */
    private static void jsonOnly(JsonObject bodyOrResponse) {
        JsonObject content = bodyOrResponse.getJsonObject("content");
        if (content != null) {
            content.fieldNames().removeIf(type -> !type.equals("application/json"));
            if (content.isEmpty()) {
                bodyOrResponse.remove("content");
            }
        }
    }
}
