package org.clnrest.build;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

import org.clnrest.demo.SimulatedLightningd;

/**
 * Writes the plugin's start-up caches (run by {@code mvn package}; {@code -Dcds.skip} skips it), which
 * {@code bin/clnrest-vertx} uses with the JDK each was made by:
 * <ul>
 * <li>for the JDK the build runs on: an ahead-of-time cache (JEP 483/514/515: classes loaded and linked, and
 * method profiles) when it is a JDK 25+, else a class-data-sharing archive (AppCDS);</li>
 * <li>an ahead-of-time cache for every other JDK 25+ found ({@code -Dcache.jdks}: {@code auto}, the default,
 * looks in the usual JDK folders, {@code $JAVA_HOME} and the PATH; {@code none}; or a comma-separated list of
 * JDK homes). These are optional: one that fails is reported and left out.</li>
 * </ul>
 * Each is a training run: the launcher under the simulated lightningd with {@code -XX:ArchiveClassesAtExit} or
 * {@code -XX:AOTCacheOutput}, sent what a node's clients send (every body and reply format, errors, the
 * contract, Swagger UI, Socket.IO over WebSocket with notifications, a large reply) and then a load of getinfo
 * over 64 TLS connections, opened anew in rounds (the method profiles come from it). Stdin is then closed; the
 * plugin exits and its JVM writes the cache. {@code index} lists them, tab-separated:
 * {@code <aot|cds> <JAVA_RUNTIME_VERSION> <JDK home> <file>}, AOT caches first.
 *
 * Build code, not test code: it lives in {@code src/build/java}, compiled by {@code mvn package} into
 * {@code target/build-classes} against the plugin's classes alone, so building the jar needs no test class, and
 * never shipped in the jar.
 *
 * <pre>java -cp target/clnrest-vertx.jar:target/build-classes org.clnrest.build.CacheTraining bin/clnrest-vertx target/cache [auto|none|home,...]</pre>
 */
public final class CacheTraining {
    private CacheTraining() {}

    /** A JDK to make a cache for. */
    record Jdk(Path home, String runtimeVersion, int feature) {
        boolean aot() {
            return feature >= 25;
        }

        String file() {
            return "clnrest-vertx-" + runtimeVersion.replaceAll("[^A-Za-z0-9.+_-]", "_") + (aot() ? ".aot" : ".jsa");
        }
    }

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args[0]).toAbsolutePath();
        Path dir = Path.of(args[1]).toAbsolutePath();
        String others = args.length > 2 ? args[2] : "auto";
        // Nothing stale may be used while new caches are made (the launcher reads the index).
        if (Files.isDirectory(dir)) {
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Jdk own = jdk(Path.of(System.getProperty("java.home")));
        if (own == null) {
            throw new IllegalStateException("no release file in " + System.getProperty("java.home"));
        }
        List<Jdk> jdks = new ArrayList<>(List.of(own));
        for (Jdk j : otherJdks(others)) {
            if (j.aot() && jdks.stream().noneMatch(k -> k.runtimeVersion().equals(j.runtimeVersion()))) {
                jdks.add(j);
            }
        }
        List<String> index = new ArrayList<>();
        for (Jdk j : jdks) {
            long t0 = System.nanoTime();
            try {
                Path file;
                try {
                    file = train(launcher, dir, j);
                } catch (Exception first) {
                    // A training run is a real start of the plugin on a machine that may be busy: one more try.
                    System.out.println("Training run with " + j.home() + " failed, once more: " + first.getMessage());
                    first.printStackTrace(System.out);
                    file = train(launcher, dir, j);
                }
                index.add((j.aot() ? "aot" : "cds") + "\t" + j.runtimeVersion() + "\t" + j.home() + "\t" + file.getFileName());
                System.out.printf("Start-up cache for %s (%s): %s, %d KiB, in %.0f s%n", j.runtimeVersion(), j.home(),
                        j.aot() ? "AOT cache" : "CDS archive", Files.size(file) / 1024, (System.nanoTime() - t0) / 1e9);
            } catch (Exception e) {
                if (j == own) {
                    throw e;
                }
                System.out.println("No start-up cache for " + j.home() + ": " + e);
                e.printStackTrace();
            }
        }
        index.sort((a, b) -> Boolean.compare(b.startsWith("aot"), a.startsWith("aot")));
        Path tmp = dir.resolve("index.tmp");
        Files.write(tmp, index);
        Files.move(tmp, dir.resolve("index"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A JDK home's version from its release file; null when it has none. */
    static Jdk jdk(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
            return null;
        }
        try {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String line : Files.readAllLines(release)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
                }
            }
            String rv = kv.get("JAVA_RUNTIME_VERSION");
            String v = kv.get("JAVA_VERSION");
            if (rv == null || v == null) {
                return null;
            }
            return new Jdk(home.toRealPath(), rv, Integer.parseInt(v.split("[.+-]")[0]));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    static List<Jdk> otherJdks(String spec) throws IOException {
        List<Path> homes = new ArrayList<>();
        if (spec.equals("none")) {
            return List.of();
        }
        if (!spec.equals("auto")) {
            for (String h : spec.split(",")) {
                homes.add(Path.of(h.trim()));
            }
        } else {
            for (String parent : List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt", "/Library/Java/JavaVirtualMachines",
                    System.getProperty("user.home") + "/.sdkman/candidates/java")) {
                Path p = Path.of(parent);
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        s.sorted().forEach(h -> {
                            homes.add(h);
                            homes.add(h.resolve("Contents/Home"));
                        });
                    }
                }
            }
            String javaHome = System.getenv("JAVA_HOME");
            if (javaHome != null) {
                homes.add(Path.of(javaHome));
            }
            for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path java = Path.of(d, "java");
                if (Files.isExecutable(java)) {
                    homes.add(java.toRealPath().getParent().getParent());
                }
            }
        }
        List<Jdk> out = new ArrayList<>();
        for (Path h : homes) {
            Jdk j = jdk(h);
            if (j != null && out.stream().noneMatch(k -> k.home().equals(j.home()))) {
                out.add(j);
            }
        }
        out.sort((a, b) -> Integer.compare(b.feature(), a.feature()));
        return out;
    }

    /** One training run with JDK {@code j}: the cache's path in {@code dir}. */
    static Path train(Path launcher, Path dir, Jdk j) throws Exception {
        Path out = dir.resolve(j.file());
        Path partial = dir.resolve(j.file() + ".tmp");
        Files.deleteIfExists(partial);
        Path lightningDir = Files.createTempDirectory("clnrest-cache");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SimulatedLightningd node = SimulatedLightningd.builder(lightningDir).plugin(List.of(launcher.toString()))
                .option("clnrest-port", port)
                .seededInvoices(2_000)
                .env("CLNREST_JAVA", j.home().resolve("bin/java").toString())
                .env("CLNREST_JAVA_OPTS", (j.aot() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + partial)
                .env("CLNREST_EXIT_DEADLINE_MS", "300000")
                .build().start();
        Vertx vertx = Vertx.vertx();
        try {
            node.awaitLog("REST server running at", Duration.ofSeconds(120));
            String rune = node.createRune(null);
            PemTrustOptions trust = new PemTrustOptions().addCertPath(node.networkDir().resolve("ca.pem").toString());
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setDefaultHost("127.0.0.1")
                    .setDefaultPort(port).setTrustOptions(trust));
            everyKindOfCall(client, rune);
            socketIo(vertx, node, port, trust, rune);
            client.close().await();
            load(vertx, port, trust, rune, j.aot() ? 12 : 3);
            // lightningd goes away: the plugin exits and its JVM writes the cache (an AOT cache takes a while).
            node.closePluginStdin(0);
            if (!node.awaitPluginExit(0, Duration.ofMinutes(5))) {
                throw new IllegalStateException("the training run did not exit");
            }
        } catch (Exception e) {
            throw new IllegalStateException("training run failed (" + e + "); the node's log ends:\n" + tail(node), e);
        } finally {
            node.close();
            vertx.close().await();
            deleteTree(lightningDir);
        }
        if (!Files.exists(partial) || Files.size(partial) == 0) {
            throw new IllegalStateException("the training run wrote no cache at " + partial + "; the node's log ends:\n" + tail(node));
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** The training node's lightning-dir (its socket and certificates), gone once the run is over. */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String tail(SimulatedLightningd node) {
        List<String> log = node.log();
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }

    /** What a node's clients send, each kind a few times: formats, errors, the contract, Swagger UI, a large reply. */
    private static void everyKindOfCall(HttpClient client, String rune) throws Exception {
        for (int i = 0; i < 20; i++) {
            call(client, HttpMethod.POST, "/v1/getinfo", rune, null, null, null);
            call(client, HttpMethod.POST, "/v1/invoice", rune, "application/json", null,
                    new JsonObject().put("amount_msat", 1000 + i).put("label", "cache-" + i).put("description", "training").encode());
            call(client, HttpMethod.POST, "/v1/invoice", rune, "application/json", null, "[" + (2000 + i) + ", \"pos-" + i + "\", \"d\"]");
            call(client, HttpMethod.POST, "/v1/listinvoices", rune, "application/yaml", "application/yaml", "label: cache-" + i + "\n");
            call(client, HttpMethod.POST, "/v1/listinvoices", rune, "application/xml", "application/xml",
                    "<listinvoices><label>cache-" + i + "</label></listinvoices>");
            call(client, HttpMethod.POST, "/v1/datastore", rune, "application/x-www-form-urlencoded", "application/x-www-form-urlencoded",
                    "key[0]=cache&key[1]=k" + i + "&string=v");
            call(client, HttpMethod.POST, "/v1/getinfo", null, null, null, null);               // 403
            call(client, HttpMethod.POST, "/v1/getinfo", "not-a-rune", null, null, null);       // 401
            call(client, HttpMethod.POST, "/v1/nosuchmethod", rune, null, null, null);          // 404
            call(client, HttpMethod.POST, "/v1/getinfo", rune, "application/json", null, "{");  // 400
            call(client, HttpMethod.POST, "/v1/invoice", rune, "application/json", null, "{\"amount_msat\": \"x\"}"); // 400, contract
            call(client, HttpMethod.GET, "/v1/getinfo", rune, null, null, null);                // 405
        }
        call(client, HttpMethod.POST, "/v1/listinvoices", rune, null, null, null); // ~1 MB
        call(client, HttpMethod.GET, "/v1/list-methods", null, null, null, null);
        call(client, HttpMethod.GET, "/openapi.json", null, null, null, null);
        call(client, HttpMethod.GET, "/openapi.yaml", null, null, null, null);
        call(client, HttpMethod.GET, "/", null, null, null, null);
        call(client, HttpMethod.GET, "/swagger-ui/", null, null, null, null);
        call(client, HttpMethod.GET, "/socket.io/?EIO=4&transport=polling", rune, null, null, null);
    }

    /** A Socket.IO client over WebSocket (rune in the header) that receives a batch of notifications. */
    private static void socketIo(Vertx vertx, SimulatedLightningd node, int port, PemTrustOptions trust, String rune) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        CompletableFuture<Void> got = new CompletableFuture<>();
        var ws = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustOptions(trust))
                .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setSsl(true)
                        .setURI("/socket.io/?EIO=4&transport=websocket").addHeader("rune", rune))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ws.textMessageHandler(m -> {
            if (m.startsWith("0{")) {
                ws.writeTextMessage("40");
            } else if (m.startsWith("40")) {
                connected.complete(null); // the rune passed: notifications reach this client from now on
            } else if (m.startsWith("2")) {
                ws.writeTextMessage("3");
            } else if (m.startsWith("42") && m.contains("cache_training")) {
                got.complete(null);
            }
        });
        connected.get(30, TimeUnit.SECONDS); // was a 300 ms sleep: a cold JDK 17 run sometimes took longer, and missed them
        for (int i = 0; i < 5; i++) {
            node.call("dev-notify", new JsonObject().put("topic", "cache_training")
                    .put("payload", new JsonObject().put("n", i).put("amount_msat", 1_152_921_504_606_846_983L)));
        }
        got.get(30, TimeUnit.SECONDS);
        ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * getinfo for {@code seconds}: over 16 TLS connections for the first half, then over 64 opened anew (the
     * handshakes of a client's first connections are part of what a user meets).
     */
    private static void load(Vertx vertx, int port, PemTrustOptions trust, String rune, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        for (int[] round : new int[][]{{16, (seconds + 1) / 2}, {64, seconds / 2}}) {
            int connections = round[0];
            HttpClient c = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setDefaultHost("127.0.0.1").setDefaultPort(port)
                    .setTrustOptions(trust), new PoolOptions().setHttp1MaxSize(connections));
            long until = System.nanoTime() + round[1] * 1_000_000_000L;
            AtomicInteger running = new AtomicInteger(connections);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            for (int k = 0; k < connections; k++) {
                loop(c, rune, until, done, running, finished);
            }
            finished.get(60, TimeUnit.SECONDS);
            c.close().await();
        }
        System.out.println("Training load: " + done.get() + " getinfo calls");
    }

    private static void loop(HttpClient c, String rune, long until, AtomicLong done, AtomicInteger running, CompletableFuture<Void> finished) {
        if (System.nanoTime() > until) {
            if (running.decrementAndGet() == 0) {
                finished.complete(null);
            }
            return;
        }
        c.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/getinfo").addHeader("Rune", rune))
                .compose(r -> r.send()).compose(r -> r.body())
                .onComplete(ar -> {
                    done.incrementAndGet();
                    loop(c, rune, until, done, running, finished);
                });
    }

    private static void call(HttpClient client, HttpMethod method, String uri, String rune, String type, String accept, String body)
            throws Exception {
        RequestOptions o = new RequestOptions().setMethod(method).setURI(uri);
        if (rune != null) {
            o.addHeader("Rune", rune);
        }
        if (type != null) {
            o.addHeader("Content-Type", type);
        }
        if (accept != null) {
            o.addHeader("Accept", accept);
        }
        Future<Buffer> f = client.request(o).compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body))).compose(r -> r.body());
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer within 30 s to " + method + " " + uri + " (" + type + ", " + body + ")", e);
        }
    }
}
