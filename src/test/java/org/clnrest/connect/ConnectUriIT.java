package org.clnrest.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.clnrest.support.NamedTls;
import org.clnrest.support.Tls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * clnrest-connect-uri as an operator and a wallet use it: asked through lightningd (as lightning-cli does),
 * the URI is read the way wallets read it (scheme, host, port, query values percent-decoded, certs the base64
 * of the PEM texts), and the wallet then calls the node with only what the URI holds: its rune, and its CA as
 * the only trust, verifying the server under the URI's host name (clnrest-connect-host).
 */
class ConnectUriIT {
    static final String HOST = "node.wallet-test.example";
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = Harness.start(b -> b.option("clnrest-connect-host", HOST));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    /** The URI read as a wallet reads it: {scheme, host, port, rune, certs (decoded text)}. */
    static Map<String, String> parse(String uri) {
        URI u = URI.create(uri);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("scheme", u.getScheme());
        out.put("host", u.getHost());
        out.put("port", Integer.toString(u.getPort()));
        for (String kv : u.getRawQuery().split("&")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        if (out.containsKey("certs")) {
            out.put("certs", new String(Base64.getDecoder().decode(out.get("certs")), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void aNewRestrictedRuneInAUriAWalletCanUse() throws Exception {
        JsonObject reply = h.node.call("clnrest-connect-uri",
                new JsonObject().put("restrictions", new JsonArray().add(new JsonArray().add("method=getinfo"))));
        JsonObject result = reply.getJsonObject("result");
        assertNotNull(result, reply.encode());
        Map<String, String> uri = parse(result.getString("uri"));
        assertEquals("clnrest+https", uri.get("scheme"));
        assertEquals(HOST, uri.get("host"));
        assertEquals(Integer.toString(h.port), uri.get("port"));
        assertEquals(result.getString("rune"), uri.get("rune"));
        assertNotNull(result.getString("unique_id"), "createrune's reply is passed on");
        Path certs = h.node.networkDir();
        assertEquals(Files.readString(certs.resolve("client-key.pem")) + Files.readString(certs.resolve("client.pem"))
                + Files.readString(certs.resolve("ca.pem")), uri.get("certs"), "client key, client certificate, CA, in that order");

        SSLContext wallet = Tls.trustingLastOf(uri.get("certs"));
        NamedTls.Answer getinfo = NamedTls.post(wallet, uri.get("host"), Integer.parseInt(uri.get("port")), "/v1/getinfo", uri.get("rune"));
        assertEquals(201, getinfo.status(), getinfo.body());
        assertEquals(h.node.nodeId(), new JsonObject(getinfo.body()).getString("id"));
        NamedTls.Answer invoice = NamedTls.post(wallet, uri.get("host"), h.port, "/v1/invoice", uri.get("rune"));
        assertEquals(401, invoice.status(), "the rune is restricted to getinfo: " + invoice.body());
        assertSecretsNeverLogged(result.getString("uri"), uri);
    }

    @Test
    void aGivenRuneByPositionAndItsLogLine() throws Exception {
        String rune = h.node.createRune(new JsonArray().add(new JsonArray().add("method=getinfo")));
        JsonObject result = h.node.call("clnrest-connect-uri", new JsonArray().add(rune)).getJsonObject("result");
        Map<String, String> uri = parse(result.getString("uri"));
        assertEquals(rune, uri.get("rune"));
        assertFalse(result.containsKey("unique_id"), "no rune was created");
        // the log reaches lightningd as notifications, on their own time: await the line
        h.node.awaitLog("Gave a connection URI for rune #", java.time.Duration.ofSeconds(10));
        assertSecretsNeverLogged(result.getString("uri"), uri);
    }

    @Test
    void refusalsAreJsonRpcErrors() throws Exception {
        JsonObject none = h.node.call("clnrest-connect-uri", new JsonObject()).getJsonObject("error");
        assertEquals(-32602, none.getInteger("code"));
        assertEquals("Give a rune, or restrictions for a new rune (restrictions [] makes an unrestricted one)", none.getString("message"));
        JsonObject unknown = h.node.call("clnrest-connect-uri", new JsonObject().put("runes", "x")).getJsonObject("error");
        assertEquals("Unknown parameter 'runes': usage is [rune] [restrictions]", unknown.getString("message"));
        JsonObject bad = h.node.call("clnrest-connect-uri", new JsonObject().put("restrictions", 5)).getJsonObject("error");
        assertTrue(bad.getString("message").startsWith("restrictions"), "createrune's own refusal, as is: " + bad);
    }

    private static void assertSecretsNeverLogged(String whole, Map<String, String> uri) {
        String certsParam = whole.substring(whole.indexOf("certs=") + 6);
        for (String line : h.node.log()) {
            assertFalse(line.contains(uri.get("rune")), "a rune in the log: " + line);
            assertFalse(line.contains(certsParam.substring(0, 40)), "the certs in the log: " + line);
            assertFalse(line.contains("clnrest+"), "a URI in the log: " + line);
        }
    }
}
