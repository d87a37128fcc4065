package org.clnrest.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import org.clnrest.demo.SimulatedLightningd;

/** The packaged plugin under the simulated lightningd, and an HTTPS client that trusts its CA. */
public final class Harness implements AutoCloseable {
    public final SimulatedLightningd node;
    public final Path dir;
    public final int port;
    public final String protocol;
    private Vertx ownVertx;

    private Harness(SimulatedLightningd node, Path dir, int port, String protocol) {
        this.node = node;
        this.dir = dir;
        this.port = port;
        this.protocol = protocol;
    }

    /** The launcher lightningd runs: bin/clnrest-vertx, next to the jar `mvn package` built. */
    public static List<String> pluginCommand() {
        Path launcher = Path.of("bin", "clnrest-vertx").toAbsolutePath();
        if (!Files.isExecutable(launcher) || !Files.exists(Path.of("target", "clnrest-vertx.jar"))) {
            throw new IllegalStateException("run `mvn package` first: the tests start the packaged plugin");
        }
        return List.of(launcher.toString());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Start the node with the plugin and wait until the REST server runs. */
    public static Harness start(Consumer<SimulatedLightningd.Builder> extra) throws Exception {
        Path dir = Files.createTempDirectory("clnrest-test");
        int port = freePort();
        SimulatedLightningd.Builder b = SimulatedLightningd.builder(dir).plugin(pluginCommand()).option("clnrest-port", port);
        extra.accept(b);
        SimulatedLightningd node = b.build().start();
        String line = node.awaitLog("REST server running at", Duration.ofSeconds(60));
        String protocol = line.contains("http://") ? "http" : "https";
        return new Harness(node, dir, port, protocol);
    }

    public static Harness start() throws Exception {
        return start(b -> { });
    }

    /** The rune with its first character changed to another: always a forgery, never the rune itself by luck. */
    public static String forged(String rune) {
        return (rune.charAt(0) == 'A' ? "B" : "A") + rune.substring(1);
    }

    /** The checkrune calls the node has recorded for {@code rune} (other clients' calls run beside a test's). */
    public List<io.vertx.core.json.JsonObject> checkrunesWith(String rune) {
        return node.calls().stream().filter(c -> "checkrune".equals(c.getString("method"))
                && c.getJsonObject("params") != null && rune.equals(c.getJsonObject("params").getString("rune"))).toList();
    }

    /** Runes never reach a log line, only their unique ids do: no line of lightningd's log holds the rune's first 20 characters. */
    public void assertRuneNotLogged(String rune) {
        for (String line : node.log()) {
            org.junit.jupiter.api.Assertions.assertFalse(line.contains(rune.substring(0, 20)), "a rune in the log: " + line);
        }
    }

    public WebClient client(Vertx vertx) {
        return client(vertx, true);
    }

    /** A client on a Vert.x of the harness's own, closed with it (a suite's one client). */
    public synchronized WebClient client(boolean keepAlive) {
        if (ownVertx == null) {
            ownVertx = Vertx.vertx();
        }
        return client(ownVertx, keepAlive);
    }

    /** {@code keepAlive=false}: a connection per request (for servers with a short idle timeout). */
    public WebClient client(Vertx vertx, boolean keepAlive) {
        WebClientOptions o = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(keepAlive);
        if (protocol.equals("https")) {
            o.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(node.networkDir().resolve("ca.pem").toString()))
                    .setVerifyHost(true);
        }
        return WebClient.create(vertx, o);
    }

    /** A TLS context trusting only this node's ca.pem. */
    public SSLContext trust() throws Exception {
        return Tls.trusting(node.networkDir().resolve("ca.pem"));
    }

    /**
     * A raw TLS socket to the plugin, trusting only ca.pem, connected (within 10 s), handshake not yet done;
     * {@code receiveBuffer} > 0 sets a small receive window first (a client that stops reading fills it soon).
     */
    public SSLSocket tlsSocket(int receiveBuffer, Duration readTimeout) throws Exception {
        SSLSocket s = (SSLSocket) trust().getSocketFactory().createSocket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout((int) readTimeout.toMillis());
        return s;
    }

    /** The JDK's HTTP client trusting only this node's ca.pem (HTTP/1.1, no redirects). */
    public java.net.http.HttpClient jdkClient() throws Exception {
        return java.net.http.HttpClient.newBuilder().sslContext(trust())
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** One request to https://localhost:port{path} with {@code rune} (or none) and {@code body} (or none). */
    public java.net.http.HttpResponse<String> send(java.net.http.HttpClient c, String method, String path, String rune, String body)
            throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (rune != null) {
            b.header("Rune", rune);
        }
        return c.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        if (ownVertx != null) {
            ownVertx.close().await();
        }
        node.close();
        deleteTree(dir);
    }

    /** Delete a directory tree (test clean-up). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.UncheckedIOException vanished) {
            // a socket or temp file went away while walking (its owner closed meanwhile): nothing left to delete
        }
    }
}
