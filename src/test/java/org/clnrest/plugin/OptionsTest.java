package org.clnrest.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.Test;

class OptionsTest {
    private static final JsonObject CONF = new JsonObject().put("lightning-dir", "/ln/regtest").put("rpc-file", "lightning-rpc");

    private static String reason(JsonObject options) {
        return Options.validate(options, CONF).disableReason();
    }

    @Test
    void eachDisableReasonIsUpstreamsText() {
        assertEquals("`clnrest-port` option is not configured", reason(new JsonObject()));
        assertEquals("`clnrest-port` 80, should be a valid available port between 1024 and 65535.",
                reason(new JsonObject().put("clnrest-port", 80)));
        assertEquals("`clnrest-port` 70000, should be a valid available port between 1024 and 65535.",
                reason(new JsonObject().put("clnrest-port", 70000)));
        assertEquals("`clnrest-protocol` can either be http or https.",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-protocol", "ftp")));
        assertEquals("`clnrest-host` should be a valid IP.",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-host", "example.com")));
        assertEquals("`clnrest-cors-origins` must not be empty!",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-cors-origins", new JsonArray().add(""))));
        assertEquals("`clnrest-swagger-root` must start with `/`",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-swagger-root", "docs")));
    }

    @Test
    void projectOptionsAreValidatedToo() {
        JsonObject base = new JsonObject().put("clnrest-port", 3010);
        assertEquals("`clnrest-notification-buffer` 100, should be a number of bytes, at least 65536.",
                reason(base.copy().put("clnrest-notification-buffer", 100)));
        assertEquals("`clnrest-cluster` should be a valid IP to bind the cluster to.",
                reason(base.copy().put("clnrest-cluster", "every.where")));
        assertEquals("`clnrest-cluster-port` 99, should be a port between 1024 and 65535.",
                reason(base.copy().put("clnrest-cluster", "127.0.0.1").put("clnrest-cluster-port", 99)));
        assertEquals("`clnrest-cluster-members` a b should be host or host:port.",
                reason(base.copy().put("clnrest-cluster", "127.0.0.1").put("clnrest-cluster-members", new JsonArray().add("a b"))));
        assertEquals("`clnrest-cluster-config` /nonexistent.xml is not a readable file.",
                reason(base.copy().put("clnrest-cluster", "127.0.0.1").put("clnrest-cluster-config", "/nonexistent.xml")));
        assertEquals("`clnrest-cluster` must be set (the IP to bind the cluster to) for the other clnrest-cluster-* options.",
                reason(base.copy().put("clnrest-cluster-port", 5701)));
        RestConfig off = Options.validate(base, CONF).config();
        assertEquals(null, off.cluster(), "clustering is off by default");
        RestConfig on = Options.validate(base.copy().put("clnrest-cluster", "127.0.0.1"), CONF).config();
        assertEquals(new JsonObject().put("host", "127.0.0.1").put("port", 5701).put("members", new JsonArray()).putNull("config")
                .put("tls", true).put("ca", "/ln/regtest/ca.pem").put("cert", "/ln/regtest/client.pem").put("key", "/ln/regtest/client-key.pem")
                .put("rest_url", "https://127.0.0.1:3010"), on.cluster(), "by default the node's own CA and client certificate");
        RestConfig fleet = Options.validate(base.copy().put("clnrest-cluster", "127.0.0.1").put("clnrest-cluster-certs", "/fleet")
                .put("clnrest-cluster-tls", false), CONF).config();
        assertEquals("/fleet/ca.pem", fleet.cluster().getString("ca"));
        assertEquals(false, fleet.cluster().getBoolean("tls"));
        assertEquals("`clnrest-cluster` must be set (the IP to bind the cluster to) for the other clnrest-cluster-* options.",
                reason(base.copy().put("clnrest-cluster-certs", "/fleet")));
    }

    @Test
    void defaultsMatchUpstream() {
        RestConfig c = Options.validate(new JsonObject().put("clnrest-port", 3010), CONF).config();
        assertEquals("https", c.get(Options.PROTOCOL));
        assertEquals("127.0.0.1", c.get(Options.HOST));
        assertEquals(List.of("*"), c.get(Options.CORS_ORIGINS));
        assertEquals("/", c.get(Options.SWAGGER_ROOT));
        assertEquals(Options.DEFAULT_CSP, c.get(Options.CSP));
        assertEquals(Path.of("/ln/regtest"), c.certsDir(), "certificates default to the directory of rpc-file");
        assertEquals("https://127.0.0.1:3010", c.url());
    }

    @Test
    void legacySpellingsAreAliasesAndTheNewNameWins() {
        RestConfig legacy = Options.validate(new JsonObject().put("rest-port", 3011).put("rest-protocol", "http")
                .put("rest-host", "::1"), CONF).config();
        assertEquals(3011, legacy.port());
        assertEquals("http", legacy.get(Options.PROTOCOL));
        assertEquals("http://[::1]:3011", legacy.url());
        RestConfig both = Options.validate(new JsonObject().put("rest-port", 3011).put("clnrest-port", 3012), CONF).config();
        assertEquals(3012, both.port());
    }

    @Test
    void hostsAreLiteralsOrLocalhost() {
        for (String ok : List.of("127.0.0.1", "0.0.0.0", "::", "::1", "fe80::1", "localhost")) {
            assertNull(reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-host", ok)), ok);
        }
        for (String bad : List.of("256.1.1.1", "1.2.3", "host", ":::1x", "")) {
            assertEquals("`clnrest-host` should be a valid IP.",
                    reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-host", bad)), bad);
        }
    }

    @Test
    void manifestDeclaresEveryOptionOnceWithoutDefaults() {
        JsonArray opts = Options.manifestOptions();
        List<String> names = opts.stream().map(o -> ((JsonObject) o).getString("name")).toList();
        for (String n : List.of("clnrest-port", "clnrest-protocol", "clnrest-host", "clnrest-certs", "clnrest-csp",
                "clnrest-cors-origins", "clnrest-swagger-root", "rest-port", "rest-protocol", "rest-host", "rest-certs")) {
            assertEquals(1, names.stream().filter(n::equals).count(), n);
        }
        opts.forEach(o -> assertNull(((JsonObject) o).getValue("default"), "an unset option must stay absent from init"));
        JsonObject cors = opts.stream().map(o -> (JsonObject) o).filter(o -> o.getString("name").equals("clnrest-cors-origins"))
                .findFirst().orElseThrow();
        assertEquals(true, cors.getBoolean("multi"));
        assertEquals("int", opts.stream().map(o -> (JsonObject) o).filter(o -> o.getString("name").equals("clnrest-port"))
                .findFirst().orElseThrow().getString("type"));
    }

    @Test
    void everyOptionIsDeclaredOnceAndTheConfigurationRoundTrips() {
        List<String> names = Options.manifestOptions().stream().map(o -> ((JsonObject) o).getString("name")).toList();
        for (Option<?> o : Options.ALL) {
            assertEquals(1, names.stream().filter(o.name::equals).count(), o.name);
        }
        JsonObject given = new JsonObject().put("clnrest-port", 3010).put("clnrest-body-timeout", 7).put("clnrest-request-memory", 2_000_000)
                .put("clnrest-cors-origins", new JsonArray().add("https://a.example")).put("clnrest-validate-requests", true)
                .put("clnrest-cluster", "127.0.0.1").put("clnrest-cluster-members", new JsonArray().add("127.0.0.1:5702"));
        RestConfig c = Options.validate(given, CONF).config();
        RestConfig again = RestConfig.fromJson(c.toJson());
        for (Option<?> o : Options.ALL) {
            assertEquals(c.get(o), again.get(o), o.name);
        }
        assertEquals(7L, again.get(Options.BODY_TIMEOUT));
        assertEquals(c.cluster(), again.cluster());
        assertEquals(c.certsDir(), again.certsDir());
    }

    @Test
    void theNewLimitsHaveDefaultsAndBounds() {
        RestConfig c = Options.validate(new JsonObject().put("clnrest-port", 3010), CONF).config();
        assertEquals(60L, c.get(Options.BODY_TIMEOUT));
        assertEquals(64L * 1024 * 1024, c.get(Options.REQUEST_MEMORY));
        assertEquals(false, c.get(Options.VALIDATE_REQUESTS), "lightningd judges params by default, as upstream");
        assertEquals("`clnrest-body-timeout` 0, should be a number of seconds between 1 and 3600.",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-body-timeout", 0)));
        assertEquals("`clnrest-request-memory` 10, should be a number of bytes, at least 1048576.",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-request-memory", 10)));
        assertEquals("`clnrest-validate-requests` should be true or false.",
                reason(new JsonObject().put("clnrest-port", 3010).put("clnrest-validate-requests", "maybe")));
    }

    @Test
    void issue18OptionsAndTheirDisableReasons() {
        JsonObject base = new JsonObject().put("clnrest-port", 3010);
        assertEquals("`clnrest-connect-host` should be a DNS name or an IP.", reason(base.copy().put("clnrest-connect-host", "bad host")));
        assertEquals("`clnrest-connect-host` should be a DNS name or an IP.", reason(base.copy().put("clnrest-connect-host", "*.example.com")));
        assertEquals("`clnrest-connect-port` 0, should be a port between 1 and 65535.", reason(base.copy().put("clnrest-connect-port", 0)));
        assertEquals("`clnrest-server-names` -x.com should be a DNS name or an IP.",
                reason(base.copy().put("clnrest-server-names", new JsonArray().add("ok.example.com").add("-x.com"))));
        assertEquals("`clnrest-server-names` 1.2.3 should be a DNS name or an IP.",
                reason(base.copy().put("clnrest-server-names", new JsonArray().add("1.2.3"))));
        assertEquals("`clnrest-metrics-port` 80, should be a valid available port between 1024 and 65535.",
                reason(base.copy().put("clnrest-metrics-port", 80)));
        assertEquals("`clnrest-metrics-host` should be a valid IP.", reason(base.copy().put("clnrest-metrics-port", 9100).put("clnrest-metrics-host", "metrics.local")));
        assertEquals("`clnrest-metrics-port` must be set (the port to serve metrics on) for `clnrest-metrics-host`.",
                reason(base.copy().put("clnrest-metrics-host", "0.0.0.0")));
        assertEquals("`clnrest-metrics-port` must differ from `clnrest-port`.", reason(base.copy().put("clnrest-metrics-port", 3010)));

        RestConfig off = Options.validate(base.copy().put("clnrest-host", "0.0.0.0"), CONF).config();
        assertNull(off.metrics(), "metrics are off by default");
        assertEquals(List.of(), off.extraServerNames());
        assertNull(off.connectHost(), "0.0.0.0 is no address a client can dial");
        assertEquals(3010, off.connectPort());
        RestConfig on = Options.validate(base.copy().put("clnrest-connect-host", "abc.onion").put("clnrest-connect-port", 80)
                .put("clnrest-server-names", new JsonArray().add("*.example.com").add("10.0.0.7").add("abc.onion"))
                .put("clnrest-metrics-port", 9100), CONF).config();
        assertEquals(List.of("*.example.com", "10.0.0.7", "abc.onion"), on.extraServerNames(), "the connect host once");
        assertEquals("abc.onion", on.connectHost());
        assertEquals(80, on.connectPort());
        assertEquals(new JsonObject().put("host", "127.0.0.1").put("port", 9100), on.metrics());
        assertEquals("127.0.0.1", Options.validate(base, CONF).config().connectHost(), "clnrest-host by default");
    }
}
