package org.clnrest.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.tls.CertificateStore;
import org.clnrest.demo.NodeInternals;
import org.junit.jupiter.api.Test;

/** The packaged plugin under the simulated lightningd: manifest, init, disable reasons, exit paths, TLS files. */
class PluginCoreIT {

    private static SimulatedLightningd startNode(Path dir, Object... options) throws Exception {
        SimulatedLightningd.Builder b = SimulatedLightningd.builder(dir).plugin(Harness.pluginCommand());
        for (int i = 0; i < options.length; i += 2) {
            b.option((String) options[i], options[i + 1]);
        }
        return b.build().start();
    }

    private static void assertDisabled(String reason, Object... options) throws Exception {
        Path dir = Files.createTempDirectory("clnrest-disabled");
        try (SimulatedLightningd node = startNode(dir, options)) {
            node.awaitLog("plugin-clnrest-vertx: Killing plugin: disabled itself at init: " + reason, Duration.ofSeconds(30));
            assertTrue(node.pluginDisabled(0));
        } finally {
            Harness.deleteTree(dir);
        }
    }

    @Test
    void disablesItselfWithUpstreamReasons() throws Exception {
        assertDisabled("`clnrest-port` option is not configured");
        assertDisabled("`clnrest-port` 1000, should be a valid available port between 1024 and 65535.", "clnrest-port", 1000);
        assertDisabled("`clnrest-protocol` can either be http or https.", "clnrest-port", 3010, "clnrest-protocol", "spdy");
        assertDisabled("`clnrest-host` should be a valid IP.", "clnrest-port", 3010, "clnrest-host", "node.example");
        assertDisabled("`clnrest-swagger-root` must start with `/`", "clnrest-port", 3010, "clnrest-swagger-root", "x");
        assertDisabled("`clnrest-cors-origins` must not be empty!", "clnrest-port", 3010, "clnrest-cors-origins", " ");
    }

    @Test
    void disablesItselfWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertDisabled("could not listen on https://127.0.0.1:" + port + ": ", "clnrest-port", port);
        }
        // A valid IP that is not one of this machine's addresses cannot be bound either.
        assertDisabled("could not listen on https://192.0.2.1:3010: ", "clnrest-port", 3010, "clnrest-host", "192.0.2.1");
    }

    @Test
    void manifestDeclaresOptionsMethodsAndWildcardSubscription() throws Exception {
        try (Harness h = Harness.start()) {
            JsonObject m = h.node.manifest(0);
            assertEquals(new JsonArray().add("*"), m.getJsonArray("subscriptions"));
            assertEquals(true, m.getBoolean("dynamic"));
            assertEquals(true, m.getBoolean("nonnumericids"));
            assertTrue(m.getJsonArray("rpcmethods").stream().anyMatch(o -> ((JsonObject) o).getString("name").equals("clnrest-register-path")));
            List<String> names = m.getJsonArray("options").stream().map(o -> ((JsonObject) o).getString("name")).toList();
            assertTrue(names.containsAll(List.of("clnrest-port", "clnrest-protocol", "clnrest-host", "clnrest-certs",
                    "clnrest-csp", "clnrest-cors-origins", "clnrest-swagger-root", "rest-port", "rest-host")), names.toString());
            // lightningd kills a plugin that prints anything but JSON-RPC: the simulator would have logged it.
            assertFalse(h.node.log().stream().anyMatch(l -> l.contains("does not parse")), String.join("\n", h.node.log()));
        }
    }

    @Test
    void legacySpellingStartsTheServerAndTlsIdentityIsGeneratedOnceThenReused() throws Exception {
        Path dir = Files.createTempDirectory("clnrest-legacy");
        int port = Harness.freePort();
        try {
            String ca;
            try (SimulatedLightningd node = startNode(dir, "rest-port", port)) {
                node.awaitLog("plugin-clnrest-vertx: REST server running at https://127.0.0.1:" + port, Duration.ofSeconds(60));
                Path certs = node.networkDir();
                assertTrue(CertificateStore.complete(certs));
                for (String key : List.of("ca-key.pem", "server-key.pem", "client-key.pem")) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(key))), key);
                    assertTrue(Files.readString(certs.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key + " is PKCS#8");
                }
                ca = Files.readString(certs.resolve("ca.pem"));
            }
            try (SimulatedLightningd node = startNode(dir, "clnrest-port", port, "rest-port", 1)) {
                node.awaitLog("plugin-clnrest-vertx: REST server running at https://127.0.0.1:" + port, Duration.ofSeconds(60));
                assertEquals(ca, Files.readString(node.networkDir().resolve("ca.pem")), "an existing identity is reused");
                node.awaitLog("plugin-clnrest-vertx: Using the TLS identity in", Duration.ofSeconds(5));
            }
        } finally {
            Harness.deleteTree(dir);
        }
    }

    @Test
    void httpWritesNoCertificates() throws Exception {
        try (Harness h = Harness.start(b -> b.option("clnrest-protocol", "http"))) {
            assertEquals("http", h.protocol);
            assertFalse(Files.exists(h.node.networkDir().resolve("ca.pem")));
        }
    }

    @Test
    void shutdownNotificationEndsTheProcessWithStatusZero() throws Exception {
        Harness h = Harness.start();
        Process p = NodeInternals.pluginProcesses(h.node).get(0);
        h.close(); // sends `shutdown`
        assertTrue(p.waitFor(15, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    @Test
    void stdinEofEndsTheProcess() throws Exception {
        try (Harness h = Harness.start()) {
            Process p = NodeInternals.pluginProcesses(h.node).get(0);
            h.node.closePluginStdin(0);
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the plugin must exit when lightningd goes away");
            h.node.awaitLog("plugin-clnrest-vertx: lightningd closed our stdin", Duration.ofSeconds(5));
        }
    }
}
