package org.clnrest.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded demo: a simulated lightningd that starts this very jar as its plugin, exactly as lightningd
 * would, then prints the URL, a rune and a curl line. Usable without a Lightning node.
 *
 * <pre>java -jar target/clnrest-vertx.jar --demo [--port N] [--protocol http|https] [--dir DIR]</pre>
 */
public final class DemoNode {
    private DemoNode() {}

    public static void main(String[] args) throws Exception {
        int port = 3010;
        String protocol = "https";
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "clnrest-vertx-demo");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--protocol" -> protocol = args[i + 1];
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SimulatedLightningd node = SimulatedLightningd.builder(dir)
                .plugin(pluginCommand())
                .option("clnrest-port", port)
                .option("clnrest-protocol", protocol)
                .seededInvoices(20)
                .echo(true)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        node.start();
        String running = node.awaitLog("REST server running at", Duration.ofSeconds(60));
        String url = running.substring(running.indexOf(" at ") + 4).trim();
        String rune = node.createRune(null);
        Path ca = node.networkDir().resolve("ca.pem");
        String tls = protocol.equals("https") ? "--cacert " + ca + " " : "";
        System.out.println();
        System.out.println("Demo node " + node.nodeId() + " (simulated lightningd " + SimulatedLightningd.VERSION + ")");
        System.out.println("REST server: " + url + "   Swagger UI: " + url + "/swagger-ui/");
        System.out.println("Rune (unrestricted): " + rune);
        System.out.println("Try:  curl " + tls + "-X POST " + url + "/v1/getinfo -H 'Rune: " + rune + "'");
        printConnectUri(node, rune);
        System.out.println("Ctrl-C to stop.");
        stopped.await();
    }

    /**
     * The connection URI of the rune (through the plugin's clnrest-connect-uri, as lightning-cli would ask for
     * it) and its QR code, for a wallet app to scan. It holds the rune and the client key: this demo's console
     * is the only place it is printed.
     */
    private static void printConnectUri(SimulatedLightningd node, String rune) throws Exception {
        io.vertx.core.json.JsonObject reply = node.call("clnrest-connect-uri", new io.vertx.core.json.JsonObject().put("rune", rune));
        if (reply.getJsonObject("result") == null) {
            System.out.println("No connection URI: " + reply.getValue("error"));
            return;
        }
        String uri = reply.getJsonObject("result").getString("uri");
        java.io.PrintStream utf8 = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                java.nio.charset.StandardCharsets.UTF_8);
        utf8.println("Connection URI (secret: it holds the rune and the client key): " + uri);
        utf8.print(TerminalQr.render(uri));
    }

    /** bin/clnrest-vertx next to the jar's folder when present (what operators install), else java -jar. */
    static List<String> pluginCommand() throws URISyntaxException {
        Path jar = Path.of(DemoNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path launcher = jar.getParent().resolveSibling("bin").resolve("clnrest-vertx");
        if (Files.isExecutable(launcher)) {
            return List.of(launcher.toString());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }
}
