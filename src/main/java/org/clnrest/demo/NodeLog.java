package org.clnrest.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The simulated node's log: lines {@code LEVEL text} kept for tests to read and wait on, echoed to stderr by the demo. */
final class NodeLog {
    private final boolean echo;
    private final List<String> lines = new ArrayList<>();

    NodeLog(boolean echo) {
        this.echo = echo;
    }

    void add(String level, String line) {
        synchronized (lines) {
            lines.add(level + " " + line);
            lines.notifyAll();
        }
        if (echo) {
            System.err.println(level + " " + line);
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Wait until a log line satisfies {@code test}; returns it, or throws after {@code timeout}. */
    String await(Predicate<String> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (test.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such log line within " + timeout + "; log:\n" + String.join("\n", lines));
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
