package org.clnrest.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Tls;
import org.clnrest.support.Harness;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.NamedTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release archive as an operator uses it: unpacked with tar into a fresh lightningd plugins/ directory, far
 * from the source tree; {@code --version} and {@code --help} answer without starting Java; lightningd (the
 * simulated one) starts the plugin from there, by {@code plugin=<dir>/bin/clnrest-vertx} and by the top-level
 * executable its plugins/ scan would start, and getinfo works.
 */
class ReleaseArchiveIT {
    static Path root;
    static Path home;
    static String version;

    @BeforeAll
    static void unpack() throws Exception {
        version = Files.readString(Path.of("target", "VERSION")).trim();
        Path archive = Path.of("target", "clnrest-vertx-" + version + ".tar.gz").toAbsolutePath();
        assertTrue(Files.isRegularFile(archive), "mvn package writes " + archive);
        root = Files.createTempDirectory("clnrest-release");
        Path plugins = Files.createDirectories(root.resolve("lightning").resolve("plugins"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", plugins.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        home = plugins.resolve("clnrest-vertx");
    }

    @AfterAll
    static void clean() throws IOException {
        Harness.deleteTree(root);
    }

    @Test
    void layoutWithOneExecutableAtTheTopAndTheNotices() throws Exception {
        for (String f : List.of("bin/clnrest-vertx", "lib/clnrest-vertx.jar", "lib/VERSION", "lib/HELP", "conf/lightningd.conf.sample",
                "conf/logback.xml", "README.md", "NOTICE", "THIRD-PARTY.txt", "licenses/Apache-2.0.txt", "licenses/jackson-core/META-INF/LICENSE")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/clnrest-vertx")));
        try (Stream<Path> top = Files.list(home)) {
            // What lightningd's plugins/ scan would start one level down: regular executable files (README.md aside).
            assertEquals(List.of("clnrest-vertx"), top.filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)
                    && !p.getFileName().toString().equals("README.md")).map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(version, Files.readString(home.resolve("lib/VERSION")).trim());
        assertTrue(Files.readString(home.resolve("NOTICE")).startsWith("clnrest-vertx " + version + "\n"));
        String thirdParty = Files.readString(home.resolve("THIRD-PARTY.txt"));
        for (String dep : List.of("io.vertx:vertx-core", "io.netty:netty-handler", "org.bouncycastle:bcprov-jdk18on", "io.nayuki:qrcodegen")) {
            assertTrue(thirdParty.contains(dep), dep);
        }
        assertFalse(thirdParty.contains("junit"), "test dependencies are not shipped");
    }

    /** Run a command with a JAVA_HOME and PATH whose java only leaves a mark: proof that no JVM starts. */
    private static String runWithoutJava(Path exe, String arg) throws Exception {
        Path fake = Files.createDirectories(root.resolve("fakejava/bin"));
        Path marker = root.resolve("java-was-started");
        Files.writeString(fake.resolve("java"), "#!/bin/sh\ntouch " + marker + "\nexit 3\n");
        fake.resolve("java").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), arg).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", root.resolve("fakejava").toString());
        pb.environment().put("PATH", fake + ":/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "answers at once");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertFalse(Files.exists(marker), "no JVM was started for " + arg);
        return out;
    }

    @Test
    void versionAndHelpStartNothing() throws Exception {
        assertEquals("clnrest-vertx " + version + "\n", runWithoutJava(home.resolve("bin/clnrest-vertx"), "--version"));
        assertEquals("clnrest-vertx " + version + "\n", runWithoutJava(home.resolve("clnrest-vertx"), "--version"));
        String help = runWithoutJava(home.resolve("bin/clnrest-vertx"), "--help");
        assertTrue(help.startsWith("clnrest-vertx " + version + "\n"));
        for (String o : List.of("--clnrest-port=int", "--clnrest-server-names=string (repeatable)", "--clnrest-metrics-port=int")) {
            assertTrue(help.contains(o), o);
        }
    }

    @Test
    void lightningdStartsItFromThereByBinAndByTheTopLevelExecutable() throws Exception {
        for (Path exe : List.of(home.resolve("bin/clnrest-vertx"), home.resolve("clnrest-vertx"))) {
            int port = Harness.freePort();
            Path ln = Files.createTempDirectory(root, "node");
            try (SimulatedLightningd node = SimulatedLightningd.builder(ln).plugin(List.of(exe.toString()))
                    .option("clnrest-port", port).build().start()) {
                node.awaitLog("plugin-clnrest-vertx: REST server running at https://127.0.0.1:" + port, Duration.ofSeconds(60));
                NamedTls.Answer a = NamedTls.post(Tls.trusting(node.networkDir().resolve("ca.pem")), "localhost", port,
                        "/v1/getinfo", node.createRune(null));
                assertEquals(201, a.status(), exe + ": " + a.body());
                assertEquals(node.nodeId(), new JsonObject(a.body()).getString("id"));
            }
        }
    }
}
