package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.clnrest.support.Requests;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every row of the reference's HTTP section, over real HTTPS, against the packaged plugin. */
class RestApiIT {
    static Harness h;
    static WebClient client;
    static String rune;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-body-limit", 65536));
        client = h.client(true);
        rune = h.node.createRune(null);
    }

    @AfterAll
    static void stop() throws Exception {
        h.assertRuneNotLogged(rune);
        h.close();
    }

    static HttpResponse<Buffer> send(HttpMethod method, String path, MultiMap headers, String body) throws Exception {
        return Requests.send(client, method, path, headers, body == null ? null : Buffer.buffer(body));
    }

    static HttpResponse<Buffer> post(String method, String rune, String contentType, String accept, String body) throws Exception {
        return send(HttpMethod.POST, "/v1/" + method, Requests.headers("Rune", rune, "Content-Type", contentType, "Accept", accept), body);
    }

    static void assertError(HttpResponse<Buffer> r, int status, int code, String message) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        JsonObject body = r.bodyAsJsonObject();
        assertEquals(code, body.getInteger("code"), r.bodyAsString());
        assertEquals(message, body.getString("message"));
        assertEquals(Options_CSP, r.getHeader("Content-Security-Policy"), "CSP on every response");
    }

    static final String Options_CSP = org.clnrest.plugin.Options.DEFAULT_CSP;

    @Test
    void getinfoWithARuneAnswers201WithTheNodesResult() throws Exception {
        var r = post("getinfo", rune, null, null, null);
        assertEquals(201, r.statusCode());
        assertEquals(h.node.nodeId(), r.bodyAsJsonObject().getString("id"));
        assertEquals("application/json", r.getHeader("Content-Type"));
        assertEquals(Options_CSP, r.getHeader("Content-Security-Policy"));
    }

    @Test
    void missingRuneIs403AndNeverReachesTheNode() throws Exception {
        h.node.clearCalls();
        assertError(post("getinfo", null, null, null, null), 403, 1501, "Not authorized: Missing rune");
        assertTrue(h.node.calls().isEmpty(), "no RPC call at all: " + h.node.calls());
    }

    @Test
    void refusedRunesAre401WithLightningdsError() throws Exception {
        h.node.clearCalls();
        String onlyGetinfo = h.node.createRune(new JsonArray().add("method=getinfo"));
        assertError(post("invoice", onlyGetinfo, null, null, "{\"amount_msat\":1,\"label\":\"x\",\"description\":\"y\"}"),
                401, 1502, "Not permitted: method is not equal to getinfo");
        String notGetinfo = h.node.createRune(new JsonArray().add("method/getinfo"));
        assertError(post("getinfo", notGetinfo, null, null, null), 401, 1502, "Not permitted: method is equal to getinfo");
        String forged = Harness.forged(rune);
        assertError(post("getinfo", forged, null, null, null), 401, 1501, "Not authorized: Not derived from master");
        h.node.awaitLog("Error code 1501: Not authorized: Not derived from master", java.time.Duration.ofSeconds(5));
        assertFalse(h.node.calls().stream().anyMatch(c -> !c.getString("method").equals("checkrune") && !c.getString("method").equals("createrune")),
                "a refused call never reaches the method: " + h.node.calls());
    }

    @Test
    void paramRestrictionsSeeTheParsedBody() throws Exception {
        String onlyLabelA = h.node.createRune(new JsonArray().add("method=listinvoices").add("pnamelabel=a"));
        assertEquals(201, post("listinvoices", onlyLabelA, null, null, "{\"label\":\"a\"}").statusCode());
        assertError(post("listinvoices", onlyLabelA, null, null, "{\"label\":\"b\"}"), 401, 1502, "Not permitted: pnamelabel is not equal to a");
    }

    @Test
    void unknownCommandIs404AndOtherRpcErrorsAre500() throws Exception {
        assertError(post("nosuchmethod", rune, null, null, null), 404, -32601, "Unknown command 'nosuchmethod'");
        // By position the contract does not check the params: lightningd's own refusal comes back as 500.
        assertError(post("invoice", rune, null, null, "[1000]"), 500, -32602, "missing required parameter: label");
    }

    @Test
    void getOnAMethodIs405AndUnknownPathsAre404() throws Exception {
        assertError(send(HttpMethod.GET, "/v1/getinfo", MultiMap.caseInsensitiveMultiMap(), null), 405, -32601,
                "Path invalid, http_method must be POST for CLN methods");
        assertError(send(HttpMethod.GET, "/nothing/here", MultiMap.caseInsensitiveMultiMap(), null), 404, -32601, "Path not found");
    }

    @Test
    void listMethodsIsHtmlFromHelp() throws Exception {
        var r = send(HttpMethod.GET, "/v1/list-methods", MultiMap.caseInsensitiveMultiMap(), null);
        assertEquals(200, r.statusCode());
        assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
        assertTrue(r.bodyAsString().contains("Command: getinfo"));
        assertTrue(r.bodyAsString().contains("Command: clnrest-register-path"), "plugin methods are listed too");
    }

    @Test
    void bodiesInEveryFormatBecomeParams() throws Exception {
        var yaml = post("invoice", rune, "application/yaml", null, "amount_msat: 1000\nlabel: yaml-1\ndescription: from yaml\n");
        assertEquals(201, yaml.statusCode(), yaml.bodyAsString());
        var xml = post("invoice", rune, "application/xml", null,
                "<invoice><amount_msat>2000</amount_msat><label>xml-1</label><description>from xml</description></invoice>");
        assertEquals(201, xml.statusCode(), xml.bodyAsString());
        var form = post("datastore", rune, "application/x-www-form-urlencoded", null, "key[0]=project&key[1]=form&string=hello");
        assertEquals(201, form.statusCode(), form.bodyAsString());
        assertEquals(new JsonArray().add("project").add("form"), form.bodyAsJsonObject().getJsonArray("key"));
        var positional = post("invoice", rune, "application/json", null, "[3000, \"array-1\", \"by position\"]");
        assertEquals(201, positional.statusCode(), positional.bodyAsString());
        var list = post("listinvoices", rune, null, null, "{\"label\":\"xml-1\"}").bodyAsJsonObject().getJsonArray("invoices");
        assertEquals("from xml", list.getJsonObject(0).getString("description"));
    }

    @Test
    void nullParamsAreDroppedAndEmptyBodyMeansNoParams() throws Exception {
        assertEquals(201, post("getinfo", rune, "application/json", null, "").statusCode());
        assertEquals(201, post("getinfo", rune, "application/json", null, "{\"x\":null}").statusCode());
    }

    @Test
    void repliesInEveryAcceptedFormat() throws Exception {
        post("datastore", rune, null, null, "{\"key\":[\"project\",\"fmt\"],\"string\":\"v\"}");
        var yaml = post("getinfo", rune, null, "application/yaml", null);
        assertTrue(yaml.bodyAsString().contains("id: " + h.node.nodeId()), yaml.bodyAsString());
        var xml = post("getinfo", rune, null, "application/xml", null);
        assertTrue(xml.bodyAsString().startsWith("<getinfo>"), xml.bodyAsString());
        assertTrue(xml.bodyAsString().contains("<id>" + h.node.nodeId() + "</id>"));
        var form = post("listdatastore", rune, null, "application/x-www-form-urlencoded", "{\"key\":[\"project\",\"fmt\"]}");
        assertTrue(form.bodyAsString().startsWith("datastore[0][key][0]=project&datastore[0][key][1]=fmt"), form.bodyAsString());
    }

    @Test
    void bigIntegersStayExact() throws Exception {
        BigInteger big = BigInteger.TWO.pow(62).add(BigInteger.ONE); // past 2^53: a double would round it
        var created = post("invoice", rune, null, null, "{\"amount_msat\":" + big + ",\"label\":\"big\",\"description\":\"d\"}");
        assertEquals(201, created.statusCode(), created.bodyAsString());
        var json = post("listinvoices", rune, null, null, "{\"label\":\"big\"}");
        assertTrue(json.bodyAsString().contains("\"amount_msat\":" + big), json.bodyAsString());
        var yaml = post("listinvoices", rune, "application/yaml", "application/yaml", "label: big\n");
        assertTrue(yaml.bodyAsString().contains("amount_msat: " + big), yaml.bodyAsString());
        var xml = post("listinvoices", rune, null, "application/xml", "{\"label\":\"big\"}");
        assertTrue(xml.bodyAsString().contains("<amount_msat>" + big + "</amount_msat>"), xml.bodyAsString());
    }

    @Test
    void unsupportedTypesAndDuplicateKeysAre406() throws Exception {
        assertError(post("getinfo", rune, "text/csv", null, "a,b"), 406, -32602, "Unsupported content-type header: text/csv");
        assertError(post("getinfo", rune, null, "text/csv", null), 406, -32602, "Unsupported accept header: text/csv");
        assertError(post("listinvoices", rune, "application/json", null, "{\"label\":\"a\",\"label\":\"b\"}"), 406, -32602, "Duplicate key: label");
        assertError(post("listinvoices", rune, "application/x-www-form-urlencoded", null, "label=a&label=b"), 406, -32602, "Duplicate key: label");
        assertError(post("listinvoices", rune, "application/yaml", null, "label: a\nlabel: b\n"), 406, -32602, "Duplicate key: label");
    }

    @Test
    void malformedBodiesAre400NamingTheFormat() throws Exception {
        for (String[] c : new String[][]{
                {"application/json", "{\"label\":", "Invalid JSON body: "},
                {"application/yaml", "label: [unclosed", "Invalid YAML body: "},
                {"application/xml", "<listinvoices><label>a</listinvoices>", "Invalid XML body: "},
                {"application/xml", "<other><label>a</label></other>", "Invalid XML body: the root element must be the method's name"},
                {"application/json", "42", "Invalid JSON body: the body must be an object"}}) {
            var r = post("listinvoices", rune, c[0], null, c[1]);
            assertEquals(400, r.statusCode(), c[0] + " " + c[1] + ": " + r.bodyAsString());
            assertTrue(r.bodyAsJsonObject().getString("message").startsWith(c[2]), r.bodyAsString());
        }
    }

    @Test
    void xmlEntitiesAreNeverExpanded() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE listinvoices [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<listinvoices><label>&x;</label></listinvoices>";
        var r = post("listinvoices", rune, "application/xml", null, xxe);
        assertEquals(400, r.statusCode(), r.bodyAsString());
        assertFalse(r.bodyAsString().contains("root:"));
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        String huge = "{\"label\":\"" + "x".repeat(70_000) + "\"}";
        var r = post("listinvoices", rune, null, null, huge);
        assertEquals(413, r.statusCode());
        assertTrue(r.bodyAsJsonObject().getString("message").contains("65536"));
    }

    @Test
    void corsAllowsAnyOriginByDefaultAndAnswersPreflight() throws Exception {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://app.example").add("Rune", rune);
        var r = send(HttpMethod.POST, "/v1/getinfo", headers, null);
        assertEquals("*", r.getHeader("Access-Control-Allow-Origin"));
        MultiMap pre = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://app.example")
                .add("Access-Control-Request-Method", "POST").add("Access-Control-Request-Headers", "rune,content-type");
        var p = send(HttpMethod.OPTIONS, "/v1/getinfo", pre, null);
        assertEquals(200, p.statusCode(), "upstream answers every preflight 200");
        assertTrue(p.getHeader("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT).contains("rune"));
    }

    @Test
    void contractAndSwaggerUiAreServed() throws Exception {
        var json = send(HttpMethod.GET, "/openapi.json", MultiMap.caseInsensitiveMultiMap(), null);
        assertEquals(200, json.statusCode());
        assertNotNull(json.bodyAsJsonObject().getJsonObject("paths").getJsonObject("/v1/{rpc_method}").getJsonObject("post"));
        var yaml = send(HttpMethod.GET, "/openapi.yaml", MultiMap.caseInsensitiveMultiMap(), null);
        assertTrue(yaml.bodyAsString().lines().anyMatch(l -> l.equals("openapi: 3.1.0")));
        var root = send(HttpMethod.GET, "/", MultiMap.caseInsensitiveMultiMap(), null);
        // WebClient follows redirects: / -> /swagger-ui -> /swagger-ui/
        assertEquals(200, root.statusCode());
        assertTrue(root.bodyAsString().contains("swagger-ui-bundle.js"));
        var init = send(HttpMethod.GET, "/swagger-ui/swagger-initializer.js", MultiMap.caseInsensitiveMultiMap(), null);
        assertTrue(init.bodyAsString().contains("/openapi.json"));
    }
}
