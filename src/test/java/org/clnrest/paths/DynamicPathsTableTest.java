package org.clnrest.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registration rules and the matcher, without a server: every refusal text and the matching order. */
class DynamicPathsTableTest {
    static JsonObject reg(String path, String rpc, String http) {
        JsonObject o = new JsonObject().put("path", path).put("rpc_method", rpc);
        return http == null ? o : o.put("http_method", http);
    }

    static String refusal(DynamicPaths table, Object params) {
        return assertThrows(DynamicPaths.Invalid.class, () -> table.register(params)).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/                 | POST   | Path must not be root",
            "//                | POST   | Path must not be empty",
            "''                | POST   | Path must not be empty",
            "/v1/files/{*rest} | POST   | Wildcards not supported",
            "/v1/x             | HEAD   | HEAD is not a supported http method!",
            "/v1/x             | fetch  | FETCH is not a supported http method!",
            "/v1/{a}{b}        | POST   | Only one parameter is allowed per path segment: '{a}{b}' in path 'v1/{a}{b}'",
            "/v1/x{}           | POST   | Parameters must be registered with a valid name: 'x{}' in path 'v1/x{}'",
            "/v1/{a}/{a}       | POST   | Capture 'a' appears twice in path 'v1/{a}/{a}'",
            "/v1//x            | POST   | Path must not contain empty segments: 'v1//x'",
            "/v1/../x          | POST   | Invalid segment '..' in path 'v1/../x'",
            "/socket.io/x      | GET    | Path 'socket.io/x' is served by clnrest itself",
            "/v1/list-methods  | GET    | Path 'v1/list-methods' is served by clnrest itself",
            "/v1/notifications/ | GET   | Path 'v1/notifications' is served by clnrest itself",
    })
    void refusesBadPaths(String path, String http, String message) {
        assertEquals(message, refusal(DynamicPaths.empty(), reg(path, "m", http)));
    }

    @Test
    void refusesBadParams() {
        DynamicPaths t = DynamicPaths.empty();
        assertEquals("path is required", refusal(t, new JsonObject().put("rpc_method", "m")));
        assertEquals("rpc_method is required", refusal(t, new JsonObject().put("path", "/a")));
        assertEquals("path must be a string", refusal(t, new JsonObject().put("path", 5).put("rpc_method", "m")));
        assertEquals("rune_required must be a boolean", refusal(t, reg("/a", "m", "GET").put("rune_required", "false")));
        assertEquals("rune_required must be true for anything but GET requests", refusal(t, reg("/a", "m", "POST").put("rune_required", false)));
        assertEquals("Input arguments must be an array or object", refusal(t, "just a string"));
        assertEquals("rune_restrictions: unknown field `metod` (nodeid, method, params)",
                refusal(t, reg("/a", "m", null).put("rune_restrictions", new JsonObject().put("metod", "pay"))));
    }

    @Test
    void conflictsAreFoundByLookingThePathUpAsUpstreamDoes() {
        DynamicPaths t = DynamicPaths.empty().register(reg("/v1/echo/{user}", "m", "GET"));
        assertEquals("Conflicting path 'v1/echo/{name}' already exists with http_method: GET",
                refusal(t, reg("v1/echo/{name}/", "other", "get")));
        // A literal the capture already matches is the same route, for upstream's router: a conflict with GET...
        assertEquals("Conflicting path 'v1/echo/special' already exists with http_method: GET",
                refusal(t, reg("/v1/echo/special", "s", "GET")));
        // ...and another method joins the first pattern, with its capture names.
        t = t.register(reg("/v1/echo/{name}", "m2", "POST"));
        assertEquals(2, t.routes().size());
        assertEquals("v1/echo/{user}", t.routes().get(1).path());
        assertEquals(new JsonObject().put("user", "bob"), t.match("POST", "/v1/echo/bob").captures());
        // A literal registered first stays beside a capture registered after it.
        DynamicPaths u = DynamicPaths.empty().register(reg("/v1/echo/special", "s", "GET")).register(reg("/v1/echo/{user}", "m", "GET"));
        assertEquals(2, u.routes().size());
        assertEquals("Insertion failed due to conflict with previously registered route: x1/{a}suffix",
                refusal(DynamicPaths.empty().register(reg("x1/{a}suffix", "m", "GET")), reg("x1/prefix{a}", "m", "GET")));
    }

    /** Upstream's tests/test_clnrest.py test_dynamic_path_conflicts and _matching, on the table. */
    @Test
    void upstreamsRegistrationsAndRequests() {
        DynamicPaths t = DynamicPaths.empty()
                .register(new JsonArray().add("test/dynamic/clnrest").add("dynamic-clnrest-method").add("POST").add(true)
                        .add(new JsonObject().put("method", "pay")))
                .register(new JsonArray().add("test/dynamic/clnrest").add("dynamic-clnrest-method-2").add("PATCH").add(true)
                        .add(new JsonObject().put("method", "pay")))
                .register(new JsonArray().add("test/dynamic/clnrest").add("dynamic-clnrest-method").add("DELETE").add(true)
                        .add(new JsonObject().put("method", "pay")))
                .register(new JsonObject().put("path", "v{version}/{capture}/go").put("rpc_method", "capture-route")
                        .put("http_method", "GET").put("rune_restrictions", new JsonObject().put("params", new JsonObject().put("amount_msat", 9999))));
        DynamicPaths.Match get = t.match("GET", "/test/dynamic/clnrest");
        assertTrue(get.methodNotAllowed());
        assertEquals("test/dynamic/clnrest", get.requestedPath());
        assertEquals("dynamic-clnrest-method-2", t.match("PATCH", "/test/dynamic/clnrest").route().rpcMethod());
        assertEquals("dynamic-clnrest-method", t.match("DELETE", "/test/dynamic/clnrest").route().rpcMethod());
        DynamicPaths.Match go = t.match("GET", "/v2/ct1/go");
        assertEquals("capture-route", go.route().rpcMethod());
        assertEquals(new JsonObject().put("version", "2").put("capture", "ct1"), go.captures());

        assertEquals("Conflicting path 'v{version}/{capture}/go' already exists with http_method: GET",
                refusal(t, new JsonObject().put("path", "v{version}/{capture}/go").put("rpc_method", "x").put("http_method", "GET")));
        assertEquals("Conflicting path 'v1/{capture}/go' already exists with http_method: GET",
                refusal(t, new JsonArray().add("v1/{capture}/go").add("x").add("GET")));
        t = t.register(new JsonArray().add("v1/{capture}/go").add("x"))
                .register(new JsonArray().add("v1/keys/{keyset_id}").add("x"))
                .register(new JsonArray().add("v1/keys").add("x"));
        assertEquals("x", t.match("POST", "/v1/abc/go").route().rpcMethod());
        assertEquals(new JsonObject().put("keyset_id", "k1"), t.match("POST", "/v1/keys/k1").captures());
        assertEquals("x", t.match("POST", "/v1/keys").route().rpcMethod());
    }

    @Test
    void positionalParamsAndDefaults() {
        DynamicPaths t = DynamicPaths.empty().register(new JsonArray().add("/v1/p/{x}").add("m").add("put"));
        DynamicPaths.Route r = t.routes().get(0);
        assertEquals("v1/p/{x}", r.path());
        assertEquals("PUT", r.httpMethod());
        assertTrue(r.runeRequired());
        assertEquals("POST", DynamicPaths.empty().register(reg("/v1/q", "m", null)).routes().get(0).httpMethod());
    }

    @Test
    void matchingPrefersLiteralsAndDecodesCaptures() {
        DynamicPaths t = DynamicPaths.empty()
                .register(reg("/v1/echo/special", "special", "GET"))
                .register(reg("/v1/echo/v{n}", "versioned", "GET"))
                .register(reg("/v1/echo/{user}", "echo", "GET"))
                .register(reg("/{a}/x/{b}", "two", "POST"));
        assertEquals("special", t.match("GET", "/v1/echo/special").route().rpcMethod());
        assertEquals("versioned", t.match("GET", "/v1/echo/v7").route().rpcMethod());
        assertEquals("echo", t.match("GET", "/v1/echo/v").route().rpcMethod(), "a capture is never empty");
        DynamicPaths.Match m = t.match("GET", "/v1/echo/al%20ice+b/");
        assertEquals("echo", m.route().rpcMethod());
        assertEquals(new JsonObject().put("user", "al ice+b"), m.captures());
        assertEquals(new JsonObject().put("a", "1").put("b", "2"), t.match("POST", "/1/x/2").captures());
        DynamicPaths.Match wrongMethod = t.match("DELETE", "/v1/echo/b%20ob");
        assertTrue(wrongMethod.methodNotAllowed());
        assertEquals("v1/echo/b ob", wrongMethod.requestedPath(), "upstream names the requested path, decoded");
        assertNull(t.match("GET", "/v1/echo"));
        assertNull(t.match("GET", "/v1/echo/bob/more"));
    }
}
