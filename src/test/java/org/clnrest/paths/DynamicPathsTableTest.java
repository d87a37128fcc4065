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
            "/v1/a{b}          | POST   | A capture must be a whole segment: 'a{b}' in path 'v1/a{b}'",
            "/v1/{a}/{a}       | POST   | Capture 'a' appears twice in path 'v1/{a}/{a}'",
            "/v1//x            | POST   | Path must not contain empty segments: 'v1//x'",
            "/v1/../x          | POST   | Invalid segment '..' in path 'v1/../x'",
            "/socket.io/x      | GET    | Path 'socket.io/x' is served by clnrest itself",
            "/v1/list-methods  | GET    | Path 'v1/list-methods' is served by clnrest itself",
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
    void conflictsAreSameShapeAndSameMethod() {
        DynamicPaths t = DynamicPaths.empty().register(reg("/v1/echo/{user}", "m", "GET"));
        assertEquals("Conflicting path 'v1/echo/{name}' already exists with http_method: GET",
                refusal(t, reg("v1/echo/{name}/", "other", "get")));
        // Another method on the same path, and a literal beside a capture, are fine.
        t = t.register(reg("/v1/echo/{user}", "m", "POST")).register(reg("/v1/echo/special", "s", "GET"));
        assertEquals(3, t.routes().size());
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
                .register(reg("/v1/echo/{user}", "echo", "GET"))
                .register(reg("/v1/echo/special", "special", "GET"))
                .register(reg("/{a}/x/{b}", "two", "POST"));
        assertEquals("special", t.match("GET", "/v1/echo/special").route().rpcMethod());
        DynamicPaths.Match m = t.match("GET", "/v1/echo/al%20ice+b/");
        assertEquals("echo", m.route().rpcMethod());
        assertEquals(new JsonObject().put("user", "al ice+b"), m.captures());
        assertEquals(new JsonObject().put("a", "1").put("b", "2"), t.match("POST", "/1/x/2").captures());
        DynamicPaths.Match wrongMethod = t.match("DELETE", "/v1/echo/bob");
        assertTrue(wrongMethod.methodNotAllowed());
        assertEquals("v1/echo/{user}", wrongMethod.pathWithoutMethod());
        assertNull(t.match("GET", "/v1/echo"));
        assertNull(t.match("GET", "/v1/echo/bob/more"));
        assertNull(t.match("GET", "/v1/echo//"));
    }
}
