package org.clnrest.build;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

import org.clnrest.demo.SimulatedLightningd;

/**
 * Writes the plugin's class-data-sharing archive ({@code target/clnrest-vertx.jsa}, used by
 * {@code bin/clnrest-vertx}): runs the launcher once under the simulated lightningd with
 * {@code -XX:ArchiveClassesAtExit}, sends it the requests a node's clients make (so the classes they need
 * are in the archive), then shuts it down; the JVM writes the archive as it exits. Run by {@code mvn package}.
 *
 * <pre>java -cp target/clnrest-vertx.jar:target/test-classes org.clnrest.build.CdsTraining bin/clnrest-vertx target/clnrest-vertx.jsa</pre>
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path partial = archive.resolveSibling(archive.getFileName() + ".tmp");
        Files.deleteIfExists(archive); // the launcher must not use a stale archive while a new one is made
        Files.deleteIfExists(partial);
        Path dir = Files.createTempDirectory("clnrest-cds");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SimulatedLightningd node = SimulatedLightningd.builder(dir).plugin(List.of(launcher.toString()))
                .option("clnrest-port", port)
                .env("CLNREST_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + partial)
                .env("CLNREST_EXIT_DEADLINE_MS", "120000")
                .build().start();
        Vertx vertx = Vertx.vertx();
        try {
            node.awaitLog("REST server running at", Duration.ofSeconds(120));
            String rune = node.createRune(null);
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setDefaultHost("127.0.0.1")
                    .setDefaultPort(port).setTrustOptions(new PemTrustOptions().addCertPath(node.networkDir().resolve("ca.pem").toString())));
            for (int i = 0; i < 20; i++) {
                call(client, HttpMethod.POST, "/v1/getinfo", rune, null, null);
                call(client, HttpMethod.POST, "/v1/invoice", rune, "application/json",
                        new JsonObject().put("amount_msat", 1000 + i).put("label", "cds-" + i).put("description", "training").encode());
                call(client, HttpMethod.POST, "/v1/listinvoices", rune, "application/yaml", "label: cds-" + i + "\n");
                call(client, HttpMethod.POST, "/v1/getinfo", null, null, null);
            }
            call(client, HttpMethod.GET, "/v1/list-methods", null, null, null);
            call(client, HttpMethod.GET, "/openapi.json", null, null, null);
            call(client, HttpMethod.GET, "/socket.io/?EIO=4&transport=polling", rune, null, null);
            client.close().await();
        } finally {
            node.close(); // shutdown: the plugin exits and its JVM writes the archive
            vertx.close().await();
            SimulatedLightningd.deleteTree(dir);
        }
        if (!Files.exists(partial)) {
            throw new IllegalStateException("the plugin wrote no archive at " + partial);
        }
        Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("CDS archive: " + archive + " (" + Files.size(archive) / 1024 + " KiB)");
    }

    private static void call(HttpClient client, HttpMethod method, String uri, String rune, String type, String body) throws Exception {
        RequestOptions o = new RequestOptions().setMethod(method).setURI(uri);
        if (rune != null) {
            o.addHeader("Rune", rune);
        }
        if (type != null) {
            o.addHeader("Content-Type", type);
        }
        client.request(o).compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body))).compose(r -> r.body())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
