package org.clnrest.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;

/**
 * The contract works for its users: openapi-generator (Maven plugin, Java "native" client) generates a client
 * from openapi.yaml in a throwaway module (src/test/clientgen copied to a temporary folder), which calls
 * getinfo, invoice and listinvoices against the packaged plugin under the simulated lightningd and prints
 * typed fields it read.
 */
class GeneratedClientIT {

    @Test
    void aGeneratedJavaClientCallsTheNodeThroughTheContract() throws Exception {
        Path module = Files.createTempDirectory("clnrest-clientgen");
        try (Harness h = Harness.start()) {
            copy(Path.of("src/test/clientgen"), module);
            String rune = h.node.createRune(null);
            Path ca = h.node.networkDir().resolve("ca.pem");
            List<String> cmd = List.of("mvn", "-B", "-q", "-ntp", "-f", module.resolve("pom.xml").toString(),
                    "-Dspec=" + Path.of("src/main/resources/openapi.yaml").toAbsolutePath(),
                    "compile", "exec:java", "-Dexec.args=127.0.0.1 " + h.port + " " + ca + " " + rune + " generated-1");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(15, TimeUnit.MINUTES), "maven finished");
            assertEquals(0, p.exitValue(), out);
            String line = out.lines().filter(l -> l.startsWith("{\"id\"")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(out));
            JsonObject typed = new JsonObject(line);
            assertEquals(h.node.nodeId(), typed.getString("id"), "GetinfoResponse.getId()");
            assertEquals(0L, typed.getLong("num_peers"));
            assertTrue(typed.getString("bolt11").startsWith("lnbcrt"), "InvoiceResponse.getBolt11()");
            assertEquals(64, typed.getString("payment_hash").length());
            assertEquals(1, typed.getInteger("listed"));
            assertEquals("generated-1", typed.getString("label"));
            assertEquals(4242L, typed.getLong("amount_msat"), "ListinvoicesResponseInvoicesInner.getAmountMsat()");
            assertEquals("unpaid", typed.getString("status"));
            List<String> methods = h.node.calls().stream().map(c -> c.getString("method")).toList();
            assertTrue(methods.containsAll(List.of("getinfo", "invoice", "listinvoices")), methods.toString());
        } finally {
            Harness.deleteTree(module);
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !from.relativize(f).startsWith("target")).toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(f, dest);
            }
        }
    }
}
