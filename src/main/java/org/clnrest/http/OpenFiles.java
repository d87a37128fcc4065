package org.clnrest.http;

import java.lang.management.ManagementFactory;

/**
 * The process's open-file limit, and the connection cap that fits under it: every connection is a file descriptor,
 * and past the limit netty's accept fails for everyone ("Too many open files", every second) while the RPC socket
 * to lightningd and the TLS files can no longer be opened. The launcher raises the soft limit to the hard one; the
 * JVM on Linux does too (MaxFDLimit).
 */
final class OpenFiles {
    /** Descriptors kept for everything but client connections: the RPC sockets, the jar, TLS files, logs, the JVM's own. */
    static final long RESERVED = 256;

    private OpenFiles() {
    }

    /** The soft limit on open files, or -1 where the JVM does not say. */
    static long limit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : -1;
    }

    /** {@code wanted} (clnrest-max-connections), lowered to three quarters of what the open-file limit leaves. */
    static int connectionCap(int wanted) {
        return capFor(wanted, limit());
    }

    static int capFor(int wanted, long limit) {
        if (limit <= 0) {
            return wanted;
        }
        long room = Math.max(16, (limit - RESERVED) * 3 / 4);
        return (int) Math.min(wanted, room);
    }
}
