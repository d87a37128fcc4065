package org.clnrest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of the plugin's process: CPU time (utime+stime, all threads), RSS, bytes written. */
final class Proc {
    static final double TICK = 100.0; // USER_HZ on Linux

    private Proc() {}

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }

    static double cpuSeconds(long pid) throws IOException {
        return cpuTicks(pid) / TICK;
    }

    /** When the process started, in seconds since boot (kernel clock ticks, 10 ms). */
    static double startedSinceBoot(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]) / TICK; // starttime (field 22)
    }

    /**
     * Seconds since boot, now (/proc/uptime, 10 ms), on the clock process start times use. (Java's
     * ProcessHandle start instant adds boot time, which Linux gives in whole seconds: up to a second off.)
     */
    static double sinceBoot() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
    }

    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** Bytes the process has handed to write(2) and friends, sockets included ({@code wchar}). */
    static long bytesWritten(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return -1;
    }

    /** CPU time and peak RSS of one process between start() and stop() (RSS sampled every 10 ms). */
    static final class Sampler {
        final long pid;
        private long cpu0;
        private long cpu1;
        private volatile double peak;
        private volatile boolean running = true;
        private Thread thread;

        Sampler(long pid) {
            this.pid = pid;
        }

        Sampler start() throws IOException {
            cpu0 = cpuTicks(pid);
            thread = new Thread(() -> {
                while (running) {
                    try {
                        peak = Math.max(peak, rssMiB(pid));
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        Sampler stop() throws Exception {
            running = false;
            thread.join();
            peak = Math.max(peak, rssMiB(pid));
            cpu1 = cpuTicks(pid);
            return this;
        }

        double cpuSeconds() {
            return (cpu1 - cpu0) / TICK;
        }

        double peakMiB() {
            return peak;
        }
    }
}
