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
 * and kills a plugin that prints anything but JSON-RPC: so the real stdout is captured once at start-up
 * and {@code System.out} is pointed at stderr, where a stray {@code println} from any library is harmless.
 */
public final class StdioChannel {
    private static final byte[] TERMINATOR = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static volatile StdioChannel instance;

    private final OutputStream out;
    private volatile boolean closed;

    private StdioChannel(OutputStream out) {
        this.out = out;
    }

    /** Capture the real stdout and divert {@code System.out}; call first thing in {@code main}. */
    public static synchronized StdioChannel capture() {
        if (instance == null) {
            instance = new StdioChannel(new FileOutputStream(FileDescriptor.out));
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        }
        return instance;
    }

    /** The captured channel, or null when the process is not a plugin (demo node, tests). */
    public static StdioChannel get() {
        return instance;
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
