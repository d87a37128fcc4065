package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.clnrest.plugin.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: where the plugin differed from upstream CLNRest under a real lightningd, as upstream's own
 * tests/test_clnrest.py sees it (the dynamic-path parts are in {@code paths/DynamicPathsIT}). The JDK's client,
 * which follows no redirect and adds no Origin header, so what is on the wire is what is asserted.
 */
class UpstreamParityIT {
    static Harness h;
    static HttpClient http;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start();
        http = h.jdkClient();
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    /** upstream's test_http_headers: a plain GET of list-methods, no Origin, gets Access-Control-Allow-Origin: *. */
    @Test
    void corsHeaderOnEveryAnswerWithoutAnOrigin() throws Exception {
        for (String[] req : new String[][]{{"GET", "/v1/list-methods", null}, {"POST", "/v1/getinfo", rune},
                {"POST", "/v1/getinfo", null}, {"GET", "/nothing/here", null}, {"GET", "/openapi.json", null}}) {
            HttpResponse<String> r = h.send(http, req[0], req[1], req[2], null);
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), req[0] + " " + req[1] + " -> " + r.statusCode());
            assertEquals(Options.DEFAULT_CSP, r.headers().firstValue("Content-Security-Policy").orElse(null));
        }
    }

    /** upstream's test_clnrest_invoice: lightningd judges the params, and its refusal comes back as 500. */
    @Test
    void paramsLightningdRefusesAre500WithLightningdsError() throws Exception {
        h.node.clearCalls();
        HttpResponse<String> r = h.send(http, "POST", "/v1/invoice", rune, null);
        assertEquals(500, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body());
        assertEquals(-32602, error.getInteger("code"));
        assertTrue(error.getString("message").startsWith("missing required parameter"), r.body());
        assertTrue(h.node.calls().stream().anyMatch(c -> c.getString("method").equals("invoice")), "the call reached lightningd");
    }

    @Test
    void swaggerJsonAndTheRootAreServedAsUpstream() throws Exception {
        HttpResponse<String> swagger = h.send(http, "GET", "/swagger.json", null, null);
        assertEquals(200, swagger.statusCode());
        assertEquals(h.send(http, "GET", "/openapi.json", null, null).body(), swagger.body());
        assertEquals("3.1.0", new JsonObject(swagger.body()).getString("openapi"));
        HttpResponse<String> root = h.send(http, "GET", "/", null, null);
        assertEquals(308, root.statusCode());
        assertEquals("/swagger-ui", root.headers().firstValue("Location").orElse(null));
        HttpResponse<String> ui = h.send(http, "GET", "/swagger-ui", null, null);
        assertEquals(303, ui.statusCode());
        assertEquals("/swagger-ui/", ui.headers().firstValue("Location").orElse(null));
    }

    @Test
    void anotherSwaggerRootServesTheDocumentThereToo() throws Exception {
        try (Harness docs = Harness.start(b -> b.option("clnrest-swagger-root", "/docs"))) {
            HttpClient c = docs.jdkClient();
            assertEquals(200, docs.send(c, "GET", "/docs/swagger.json", null, null).statusCode());
            assertEquals(200, docs.send(c, "GET", "/swagger.json", null, null).statusCode());
            HttpResponse<String> root = docs.send(c, "GET", "/", null, null);
            assertEquals(200, root.statusCode());
            assertEquals("Hello, World!", root.body());
            assertTrue(docs.send(c, "GET", "/docs/", null, null).body().contains("swagger-ui-bundle.js"));
            assertNull(docs.send(c, "GET", "/swagger-ui/", null, null).headers().firstValue("Location").orElse(null));
        }
    }
}
