package org.clnrest.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What the plugin process holds, seen from outside: live instances (jcmd, after a full GC) and RSS (/proc). */
public final class Heap {
    public static final String SERVER_CONNECTION = "io.vertx.core.http.impl.Http1xServerConnection";

    private Heap() {}

    /** Live instances of {@code className} in process {@code pid} (GC.class_histogram runs a full GC first). */
    public static int count(long pid, String className) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].equals(className)) {
                return Integer.parseInt(f[1]);
            }
        }
        return 0;
    }

    /** Wait until at most {@code max} instances are live; the count, or an AssertionError after {@code timeout}. */
    public static int awaitAtMost(long pid, String className, int max, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int n;
        while ((n = count(pid, className)) > max) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " live " + className + " (at most " + max + " expected) after " + timeout);
            }
            Thread.sleep(500); // polling an outside observable: the plugin tells nothing when a connection is collected
        }
        return n;
    }

    /** The process's resident set in MiB (VmRSS). */
    public static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
