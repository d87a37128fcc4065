package org.clnrest.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonObject;

import org.clnrest.support.Tls;
import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo as a newcomer runs it: {@code bin/clnrest-vertx --demo} on a free port and a fresh directory, its
 * console read as a person would read it. The printed curl line works as printed (its rune, its ca.pem, its URL:
 * getinfo answers 201 with the printed node id), the connection URI holds the rune, the QR code under it reads back
 * (ZXing) as that URI, and SIGTERM stops the demo and its plugin (nothing listens on the port any more).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoIT {
    static final Pattern NODE = Pattern.compile("^Demo node ([0-9a-f]{66}) \\(simulated lightningd .*\\)$");
    static final Pattern CURL = Pattern.compile("^Try:  curl --cacert (\\S+) -X POST (\\S+)/v1/getinfo -H 'Rune: ([^']+)'$");
    static final String URI_LINE = "Connection URI (secret: it holds the rune and the client key): ";
    static final String LAST_LINE = "Ctrl-C to stop.";
    /** A line of the terminal QR code: half blocks and spaces only. */
    static final Pattern QR_LINE = Pattern.compile("^[ \u2588\u2580\u2584]+$");
    static final String EOF = "\u0000eof";

    @Test
    void theDemoPrintsAWorkingCurlLineAndAConnectionUriWithItsQrCodeAndStopsOnSigterm() throws Exception {
        int port = Harness.freePort();
        Path dir = Files.createTempDirectory("clnrest-demo");
        List<String> cmd = new ArrayList<>(Harness.pluginCommand());
        cmd.addAll(List.of("--demo", "--port", Integer.toString(port), "--dir", dir.toString()));
        // The launcher gives stdout to the protocol and prints on stderr: one stream, as a terminal shows both.
        Process demo = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            } finally {
                lines.add(EOF);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            List<String> console = readUntil(lines, LAST_LINE::equals, Duration.ofSeconds(120));
            String all = String.join("\n", console);
            String nodeId = null;
            Matcher curl = null;
            String uri = null;
            StringBuilder qr = new StringBuilder();
            for (String line : console) {
                Matcher m = NODE.matcher(line);
                if (m.matches()) {
                    nodeId = m.group(1);
                }
                m = CURL.matcher(line);
                if (m.matches()) {
                    curl = m;
                }
                if (line.startsWith(URI_LINE)) {
                    uri = line.substring(URI_LINE.length());
                } else if (uri != null && QR_LINE.matcher(line).matches()) {
                    qr.append(line).append('\n'); // log lines of the node may come between: only the code's lines
                }
            }
            assertNotNull(nodeId, all);
            assertNotNull(curl, "a curl line: " + all);
            assertNotNull(uri, all);
            String ca = curl.group(1);
            String url = curl.group(2);
            String rune = curl.group(3);
            assertEquals("https://127.0.0.1:" + port, url);
            assertTrue(console.contains("Rune (unrestricted): " + rune), all);

            // What the curl line does: POST getinfo with the rune, trusting only the printed ca.pem.
            HttpClient https = HttpClient.newBuilder().sslContext(Tls.trusting(Path.of(ca)))
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(url + "/v1/getinfo")).header("Rune", rune)
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(nodeId, new JsonObject(r.body()).getString("id"));

            assertTrue(uri.startsWith("clnrest+https://"), uri);
            URI parsed = URI.create(uri);
            assertEquals(port, parsed.getPort());
            assertEquals(rune, queryValue(parsed, "rune"), "the URI holds the printed rune");
            assertTrue(qr.length() > 0, "a QR code under the URI: " + all);
            assertEquals(uri, TerminalQrTest.decode(qr.toString()), "the QR code reads back as the URI");

            List<ProcessHandle> plugin = demo.descendants().toList();
            assertFalse(plugin.isEmpty(), "the demo runs its plugin as a child process");
            demo.destroy(); // SIGTERM, what Ctrl-C's shutdown amounts to
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo exits on SIGTERM");
            for (ProcessHandle p : plugin) {
                p.onExit().get(10, TimeUnit.SECONDS); // fails with a TimeoutException if the demo left it running
            }
            assertRefused(port);
        } finally {
            if (demo.isAlive()) {
                List<ProcessHandle> left = demo.descendants().toList();
                demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                left.forEach(ProcessHandle::destroyForcibly);
            }
            Harness.deleteTree(dir);
        }
    }

    /** Lines up to and including the first that matches {@code last}; fails after {@code timeout} or at the end of the output. */
    static List<String> readUntil(LinkedBlockingQueue<String> lines, java.util.function.Predicate<String> last, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> got = new ArrayList<>();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError((line == null ? "nothing more within " + timeout : "the output ended") + "; so far:\n"
                        + String.join("\n", got));
            }
            got.add(line);
            if (last.test(line)) {
                return got;
            }
        }
    }

    static String queryValue(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Nothing listens on the demo's port any more: the plugin went with the demo. */
    static void assertRefused(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            throw new AssertionError("something still listens on " + port);
        } catch (ConnectException refused) {
            // what we want
        }
    }
}
