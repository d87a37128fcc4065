package org.clnrest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (Debian's, LuaJIT) driving {@code bench/post.lua}: POST with the Rune header and an optional JSON body.
 * A run ends after {@code seconds}, or earlier at a wall-clock deadline, or once each thread has had a given
 * number of responses (the script stops its thread, then wrk is told to report): so consecutive windows can be cut from a plugin's first
 * request on, and the first N requests measured on their own. wrk's timeout is 30 s, so slow first answers
 * count in the latencies instead of being dropped as timeouts.
 */
final class Wrk {
    private Wrk() {}

    record Result(double reqPerSec, long requests, long errors, double p50ms, double p99ms, double seconds, String raw) {}

    /** Options of one run; the defaults are a plain timed run. */
    static final class Run {
        final String url;
        final String rune;
        String body;
        int connections = 16;
        int seconds = 10;
        long deadlineEpochMs;
        int maxResponsesPerThread;
        final List<String> headers = new ArrayList<>();

        Run(String url, String rune) {
            this.url = url;
            this.rune = rune;
        }

        Run body(String b) {
            body = b;
            return this;
        }

        /** An extra request header, "Name: value". */
        Run header(String h) {
            headers.add(h);
            return this;
        }

        Run connections(int c) {
            connections = c;
            return this;
        }

        Run seconds(int s) {
            seconds = s;
            return this;
        }

        /** Stop at this wall-clock time (wrk's -d is set past it). */
        Run until(long epochMs) {
            deadlineEpochMs = epochMs;
            seconds = (int) Math.max(1, Math.ceil((epochMs - System.currentTimeMillis()) / 1000.0) + 5);
            return this;
        }

        /** Stop each of the (two) threads after this many responses. */
        Run maxResponsesPerThread(int n) {
            maxResponsesPerThread = n;
            return this;
        }

        int threads() {
            return Math.min(connections, 2);
        }

        Result go() throws Exception {
            long deadlineNanos = deadlineEpochMs > 0 ? System.nanoTime() + (deadlineEpochMs - System.currentTimeMillis()) * 1_000_000 : 0;
            List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads(), "-c" + connections, "-d" + seconds + "s",
                    "--timeout", "30s", "--latency", "-s", Bench.ROOT.resolve("bench/post.lua").toString()));
            headers.forEach(h -> cmd.addAll(List.of("-H", h)));
            cmd.add(url);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("RUNE", rune == null ? "" : rune);
            pb.environment().put("BODY", body == null ? "" : body);
            pb.environment().put("MAX_RESPONSES", Integer.toString(maxResponsesPerThread));
            long t0 = System.nanoTime();
            Process p = pb.start();
            // wrk sleeps for its -d whatever its threads do; SIGINT ends that sleep and it reports at once. It is
            // sent at the deadline, or when every thread has said (on stderr) that it stopped.
            CountDownLatch stopped = new CountDownLatch(threads());
            Thread err = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("bench-thread-stopped")) {
                            stopped.countDown();
                        } else {
                            System.err.println("wrk: " + line);
                        }
                    }
                } catch (IOException ignored) {
                    // wrk gone
                }
            }, "wrk-stderr");
            err.setDaemon(true);
            err.start();
            Thread interrupter = new Thread(() -> {
                try {
                    long wait = deadlineNanos > 0 ? deadlineNanos - System.nanoTime() : seconds * 2_000_000_000L;
                    stopped.await(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    // Not before wrk has set its SIGINT handler (else the signal kills it without a report).
                    Thread.sleep(Math.max(0, 300 - (System.nanoTime() - t0) / 1_000_000));
                    if (p.isAlive() && (deadlineNanos > 0 || stopped.getCount() == 0)) {
                        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    }
                } catch (Exception ignored) {
                    // wrk ends by its own -d
                }
            }, "wrk-stop");
            interrupter.setDaemon(true);
            interrupter.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            double secs = (System.nanoTime() - t0) / 1e9;
            interrupter.interrupt();
            if (!out.contains("requests in")) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
            long requests = (long) num(out, "(\\d+) requests in");
            long errors = (long) (numOr(out, "Non-2xx or 3xx responses: (\\d+)", 0)
                    + numOr(out, "Socket errors: connect (\\d+)", 0) + numOr(out, "Socket errors: connect \\d+, read (\\d+)", 0)
                    + numOr(out, "write (\\d+)", 0) + numOr(out, "timeout (\\d+)", 0));
            return new Result(num(out, "Requests/sec:\\s+([0-9.]+)"), requests, errors, latency(out, "50%"), latency(out, "99%"),
                    secs, out);
        }
    }

    static double latency(String wrkOut, String pct) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)").matcher(wrkOut);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static double num(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("wrk output without " + regex + ":\n" + s);
        }
        return Double.parseDouble(m.group(1));
    }

    static double numOr(String s, String regex, double dflt) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : dflt;
    }
}
