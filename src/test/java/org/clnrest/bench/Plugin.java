package org.clnrest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.tls.CertificateStore;
import org.clnrest.tls.ServerNames;
import org.clnrest.support.Harness;
import org.clnrest.demo.NodeInternals;

/**
 * The packaged plugin ({@code bin/clnrest-vertx}, default launcher settings) started by the simulated
 * lightningd in a fresh lightning-dir, https, REST up; with its TLS identity made beforehand (as on a node
 * that has run before) unless told otherwise.
 */
final class Plugin implements AutoCloseable {
    final SimulatedLightningd node;
    final Path dir;
    final int port;
    final long pid;
    final String rune;
    final String base;

    private Plugin(SimulatedLightningd node, Path dir, int port) throws Exception {
        this.node = node;
        this.dir = dir;
        this.port = port;
        this.pid = NodeInternals.pluginProcesses(node).get(0).pid();
        this.rune = node.createRune(null);
        this.base = "https://127.0.0.1:" + port;
    }

    private Plugin(SimulatedLightningd node, Path dir, String rune) {
        this.node = node;
        this.dir = dir;
        this.port = -1;
        this.pid = -1;
        this.rune = rune;
        this.base = null;
    }

    /** A node without a plugin, for what talks to the node alone ({@link NodeWarmUp}). */
    static Plugin nodeOnly(SimulatedLightningd node, Path dir, String rune) {
        return new Plugin(node, dir, rune);
    }

    static Plugin start(UnaryOperator<SimulatedLightningd.Builder> custom) throws Exception {
        Path dir = Files.createTempDirectory("clnrest-bench");
        makeIdentity(dir);
        int port = Harness.freePort();
        SimulatedLightningd node = custom.apply(SimulatedLightningd.builder(dir).plugin(launcher()).option("clnrest-port", port))
                .build().start();
        node.awaitLog("REST server running at", Duration.ofSeconds(60));
        return new Plugin(node, dir, port);
    }

    static List<String> launcher() {
        return List.of(Bench.ROOT.resolve("bin/clnrest-vertx").toString());
    }

    /** The six PEM files where the plugin looks for them by default (the directory of rpc-file). */
    static void makeIdentity(Path lightningDir) throws Exception {
        CertificateStore.ensure(lightningDir.resolve(SimulatedLightningd.NETWORK),
                ServerNames.generalNames(ServerNames.of("127.0.0.1", List.of())), Duration.ZERO);
    }

    /** Which JVM the launcher chose and which archive it gave it, from the process's command line. */
    String jvm() {
        try {
            String exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
            String cmd = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            String cache = cmd.contains("-XX:AOTCache=") ? "AOT cache" : cmd.contains("-XX:SharedArchiveFile=") ? "CDS archive" : "no archive";
            String home = exe.replaceAll("/bin/java$", "");
            return home.substring(home.lastIndexOf('/') + 1) + ", " + cache;
        } catch (Exception e) {
            return "?";
        }
    }

    HttpClient https(io.vertx.core.Vertx vertx) {
        return vertx.createHttpClient(new HttpClientOptions().setSsl(true).setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setTrustOptions(new PemTrustOptions().addCertPath(node.networkDir().resolve("ca.pem").toString())));
    }

    Wrk.Run wrk(String path) {
        return new Wrk.Run(base + path, rune);
    }

    @Override
    public void close() throws Exception {
        node.close();
        Harness.deleteTree(dir);
    }
}
