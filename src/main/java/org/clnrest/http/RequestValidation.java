package org.clnrest.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

/**
 * Params of the methods the typed contract knows are checked against its request schema before lightningd
 * is called; a refusal is a 400 that names the field. Validators are compiled on a method's first call, so
 * start-up does not pay for 160 of them. Methods the contract does not know (other plugins', a newer
 * lightningd's) and params by position pass through unchecked. {@code clnrest-validate-requests=false} turns
 * it off.
 */
final class RequestValidation {
    private final JsonObject schemas;
    private final Map<String, String> schemaOfMethod = new HashMap<>();
    private final Map<String, Validator> validators = new HashMap<>();

    /** {@code contract}: the served document; its typed operations name their request schema. */
    RequestValidation(JsonObject contract) {
        this.schemas = contract.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
        JsonObject paths = contract.getJsonObject("paths", new JsonObject());
        for (String path : paths.fieldNames()) {
            JsonObject post = paths.getJsonObject(path).getJsonObject("post");
            String method = post == null ? null : post.getString(Contract.TYPED);
            if (method != null) {
                String ref = post.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json")
                        .getJsonObject("schema").getString("$ref");
                schemaOfMethod.put(method, ref.substring(ref.lastIndexOf('/') + 1));
            }
        }
    }

    /** Throws a 400 {@link ApiError} naming the first offending field, if {@code params} break the schema. */
    void check(String method, Object params) {
        if (!(params instanceof JsonObject) && params != null) {
            return; // by position: lightningd itself maps them to names
        }
        Validator v = validator(method);
        if (v == null) {
            return;
        }
        OutputUnit result = v.validate(params == null ? new JsonObject() : params);
        if (Boolean.TRUE.equals(result.getValid())) {
            return;
        }
        throw ApiError.badRequest("Invalid params for " + method + ": " + describe(result));
    }

    private Validator validator(String method) {
        String schema = schemaOfMethod.get(method);
        if (schema == null) {
            return null;
        }
        return validators.computeIfAbsent(method, m -> Validator.create(JsonSchema.of(schemas.getJsonObject(schema)),
                new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://clnrest.invalid/")
                        .setOutputFormat(OutputFormat.Basic)));
    }

    /** "amount_msat: ..." from the most specific error. */
    static String describe(OutputUnit result) {
        List<OutputUnit> errors = result.getErrors();
        OutputUnit best = result;
        if (errors != null) {
            for (OutputUnit e : errors) {
                String loc = e.getInstanceLocation();
                if (best == result || loc != null && (best.getInstanceLocation() == null || loc.length() > best.getInstanceLocation().length())) {
                    best = e;
                }
            }
        }
        String where = best.getInstanceLocation() == null ? "" : best.getInstanceLocation().replaceFirst("^#?/?", "").replace('/', '.');
        String why = best.getError() == null ? "does not match the contract" : best.getError();
        return where.isEmpty() ? why : "`" + where + "`: " + why;
    }
}
