package org.clnrest.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.vertx.core.json.JsonObject;

/** A client in its own process (Socket.IO clients, the cluster observer); its events arrive as JSON lines. */
public final class ClientProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    public ClientProcess(List<String> command) throws Exception {
        process = new ProcessBuilder(command).start();
        Thread out = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{")) {
                        try {
                            events.add(new JsonObject(line));
                        } catch (RuntimeException garbled) {
                            synchronized (stderr) {
                                stderr.append("unparseable line from the client: ").append(line, 0, Math.min(200, line.length())).append('\n');
                            }
                        }
                    }
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        err.setDaemon(true);
        err.start();
    }

    /** The next event matching {@code test} (others are skipped), or an AssertionError after {@code timeout}. */
    public JsonObject await(Predicate<JsonObject> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                synchronized (stderr) {
                    throw new AssertionError("no such event within " + timeout + "; client stderr:\n" + stderr);
                }
            }
            if (test.test(e)) {
                return e;
            }
        }
    }

    public JsonObject await(String event, Duration timeout) throws InterruptedException {
        return await(e -> event.equals(e.getString("event")), timeout);
    }

    /** Events already received and not consumed. */
    List<JsonObject> pending() {
        return List.copyOf(events);
    }

    /** One line on the process's stdin. */
    public void send(String line) throws java.io.IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** The process itself (to kill it). */
    public Process process() {
        return process;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close(); // the clients exit when stdin closes
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
