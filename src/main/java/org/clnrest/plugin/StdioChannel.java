package org.clnrest.plugin;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.vertx.core.json.JsonObject;

/**
 * The plugin's stdout, owned by the protocol alone. lightningd parses everything the plugin prints there,
 * and kills a plugin that prints anything but JSON-RPC. The launcher ({@code bin/clnrest-vertx}) hands the
 * protocol a descriptor of its own and makes the process's stdout its stderr, so that nothing the JVM itself
 * prints (an OutOfMemoryError's last words, an agent's banner) can reach lightningd as protocol; it names that
 * descriptor in {@code -Dclnrest.protocol.fd}. Run without the launcher ({@code java -jar}), the protocol is
 * the real stdout. Either way {@code System.out} is pointed at stderr, where a stray {@code println} from any
 * library is harmless.
 */
public final class StdioChannel {
    private static final byte[] TERMINATOR = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private volatile boolean closed;

    private StdioChannel(OutputStream out) {
        this.out = out;
    }

    /** The launcher's name for the protocol's descriptor. */
    static final String FD_PROPERTY = "clnrest.protocol.fd";

    /**
     * Open the protocol's channel and divert {@code System.out}; call once, first thing in {@code main}, which hands
     * the channel to the plugin bridge and the log appender.
     */
    public static StdioChannel capture() throws IOException {
        StdioChannel channel = new StdioChannel(protocolStream(System.getProperty(FD_PROPERTY)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        return channel;
    }

    /** The launcher's descriptor when it named one (reopened through /dev/fd), else the real stdout. */
    static OutputStream protocolStream(String fd) throws IOException {
        if (fd == null || fd.isBlank()) {
            return new FileOutputStream(FileDescriptor.out);
        }
        int n;
        try {
            n = Integer.parseInt(fd.trim());
        } catch (NumberFormatException e) {
            throw new IOException(FD_PROPERTY + " is not a file descriptor number: " + fd);
        }
        // Appending: should the descriptor be a file, it is written at its end, never from its start.
        return new FileOutputStream("/dev/fd/" + n, true);
    }

    /** Write one JSON-RPC message. Whole messages only: concurrent writers never interleave. */
    public synchronized void send(JsonObject message) {
        if (closed) {
            return;
        }
        try {
            out.write(message.toBuffer().getBytes());
            out.write(TERMINATOR);
            out.flush();
        } catch (IOException e) {
            // lightningd closed our stdout: it is gone, and stdin EOF will end the process.
            closed = true;
        }
    }

    /** A {@code log} notification: lightningd prefixes it with {@code plugin-<name>: }. */
    public void log(String level, String message) {
        send(new JsonObject().put("jsonrpc", "2.0").put("method", "log")
                .put("params", new JsonObject().put("level", level).put("message", message)));
    }
}
