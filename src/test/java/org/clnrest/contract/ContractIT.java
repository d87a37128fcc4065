package org.clnrest.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.Requests;
import org.clnrest.support.TextDiff;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;

/**
 * The typed contract: the committed openapi.yaml is what the generator makes of lightningd's schemas, and
 * the plugin checks known methods' params against it before calling lightningd (unless told not to).
 */
class ContractIT {
    /** lightningd's schemas (doc/schemas of its source): beside the checkout, or named by -Dclnrest.schemas=DIR. */
    static final Path SCHEMAS = Path.of(System.getProperty("clnrest.schemas", "../shared/cln-schemas"));

    @Test
    void committedContractIsTheGeneratorsOutput() throws Exception {
        // Not a skip: without the schemas the contract's staleness would go unchecked and the suite still pass.
        assertTrue(Files.isDirectory(SCHEMAS), "lightningd's schemas are not at " + SCHEMAS.toAbsolutePath().normalize()
                + ": put its doc/schemas there (../shared/cln-schemas beside the checkout) or name them with -Dclnrest.schemas=DIR");
        String generated = ContractGenerator.generateYaml(SCHEMAS, Path.of("src/main/contract/base.yaml"));
        String committed = Files.readString(Path.of("src/main/resources/openapi.yaml"));
        assertTrue(generated.equals(committed), () -> "src/main/resources/openapi.yaml is stale: regenerate it (docs/api.md, Typed contract); "
                + "committed (-) against generated (+), " + TextDiff.excerpt(committed, generated));
        String json = Files.readString(Path.of("src/main/resources/openapi.json"));
        String converted = ContractGenerator.jsonOf(committed);
        assertEquals(converted, json, () -> "openapi.json is openapi.yaml as JSON; committed (-) against converted (+), "
                + TextDiff.excerpt(json, converted));
        long methods;
        try (var s = Files.list(SCHEMAS)) {
            methods = s.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().equals("rpc-schema-draft.json")).count();
        }
        assertTrue(committed.contains("methods: " + methods), "one operation per method schema (" + methods + ")");
    }

    static HttpResponse<Buffer> post(WebClient c, String rune, String method, String body) throws Exception {
        return Requests.send(c, HttpMethod.POST, "/v1/" + method, Requests.headers("Rune", rune, "Content-Type", "application/json"),
                Buffer.buffer(body));
    }

    @Test
    void knownMethodsAreCheckedAfterTheRuneBeforeTheMethodIsCalled() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start(b -> b.option("clnrest-validate-requests", true))) {
            WebClient c = h.client(vertx);
            String rune = h.node.createRune(null);
            h.node.clearCalls();
            for (String[] bad : List.of(
                    new String[]{"{\"amount_msat\":1000,\"description\":\"d\"}", "label"},
                    new String[]{"{\"amount_msat\":true,\"label\":\"a\",\"description\":\"d\"}", "amount_msat"},
                    new String[]{"{\"amount_msat\":1000,\"label\":\"a\",\"description\":\"d\",\"expiry\":-5}", "expiry"},
                    new String[]{"{\"amount_msat\":1000,\"label\":\"a\",\"description\":\"d\",\"colour\":\"red\"}", "colour"})) {
                HttpResponse<Buffer> r = post(c, rune, "invoice", bad[0]);
                assertEquals(400, r.statusCode(), r.bodyAsString());
                String message = r.bodyAsJsonObject().getString("message");
                assertTrue(message.startsWith("Invalid params for invoice: ") && message.contains(bad[1]), message);
            }
            assertTrue(h.node.calls().stream().allMatch(call -> call.getString("method").equals("checkrune")),
                    "refused after the rune check, before the method: " + h.node.calls());
            assertEquals(4, h.node.calls().size(), "one checkrune per call: nothing is judged before the rune");
            h.node.clearCalls();
            HttpResponse<Buffer> stranger = post(c, "x", "invoice", "{\"amount_msat\":true,\"description\":\"d\"}");
            assertEquals(401, stranger.statusCode(), "a stranger's params are never validated: " + stranger.bodyAsString());
            assertEquals(201, post(c, rune, "invoice", "{\"amount_msat\":1000,\"label\":\"ok\",\"description\":\"d\"}").statusCode());
            // lightningd's own spellings (an amount with a unit, a numeric label) pass the contract; what the
            // simulated node makes of them is its own business (real lightningd takes them).
            HttpResponse<Buffer> spelled = post(c, rune, "invoice", "{\"amount_msat\":\"10sat\",\"label\":7,\"description\":\"d\"}");
            assertTrue(!spelled.bodyAsString().contains("Invalid params"), spelled.bodyAsString());
            assertEquals(404, post(c, rune, "no-such-plugin-method", "{\"anything\":1}").statusCode(), "unknown methods pass through");
        } finally {
            vertx.close().await();
        }
    }

    /** Upstream passes params to lightningd and answers 500 with lightningd's own error: the default. */
    @Test
    void validationIsOffByDefaultAsUpstream() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Harness h = Harness.start()) {
            HttpResponse<Buffer> r = post(h.client(vertx), h.node.createRune(null), "invoice", "{\"amount_msat\":1000,\"description\":\"d\"}");
            assertEquals(500, r.statusCode(), r.bodyAsString());
            assertEquals(new JsonObject().put("code", -32602).put("message", "missing required parameter: label"), r.bodyAsJsonObject());
        } finally {
            vertx.close().await();
        }
    }
}
