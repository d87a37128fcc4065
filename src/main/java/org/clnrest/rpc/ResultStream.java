package org.clnrest.rpc;

import java.util.ArrayDeque;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;

/**
 * A large result read from lightningd's RPC socket as it arrives, for a caller that passes it on untouched (a
 * JSON reply to an HTTP client): the bytes of {@code result} and nothing else (the envelope's head is skipped,
 * its closing brace held back and dropped). Back-pressure reaches the socket: while the reader is paused the
 * socket is not read, so at most one read's worth waits here, whatever the result's size. A reader that goes
 * away ({@link #discard}) lets the rest of the result be read and dropped: the connection carries other replies
 * after it.
 */
final class ResultStream implements ReadStream<Buffer>, FrameSplitter.Sink {
    private final NetSocket socket;
    private final byte close;
    private final Runnable onFinished;
    /** Envelope bytes still to skip before the result. */
    private long skip;
    /** The latest bytes that may be the envelope's end (closing braces, blanks): held until more come. */
    private Buffer held;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long demand = Long.MAX_VALUE;
    private boolean socketPaused;
    /** All of the result has been received (and what is left of it is queued). */
    private boolean received;
    private boolean done;
    private boolean discarding;
    private Throwable failure;
    /** The last byte of the result handed on (0: none yet). */
    private byte lastByte;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    /**
     * @param resultStart where the result begins in the reply's bytes
     * @param open        the result's first byte, {@code {} or {@code [}
     * @param onFinished  run once the reply is over on the socket (ended or failed)
     */
    ResultStream(NetSocket socket, int resultStart, byte open, Runnable onFinished) {
        this.socket = socket;
        this.skip = resultStart;
        this.close = open == '[' ? (byte) ']' : (byte) '}';
        this.onFinished = onFinished;
    }

    // ---- from the splitter (the socket's context) ---------------------------------------------------------

    @Override
    public void data(Buffer bytes) {
        int from = 0;
        if (skip > 0) {
            int n = (int) Math.min(skip, bytes.length());
            skip -= n;
            from = n;
        }
        if (from >= bytes.length()) {
            return;
        }
        Buffer b = from == 0 ? bytes : bytes.slice(from, bytes.length());
        int end = b.length();
        while (end > 0 && maybeEnvelopeEnd(b.getByte(end - 1))) {
            end--;
        }
        if (end == 0) {
            held = held == null ? b : Buffer.buffer(held.length() + b.length()).appendBuffer(held).appendBuffer(b);
            return;
        }
        if (held != null) {
            deliver(held);
        }
        deliver(end == b.length() ? b : b.slice(0, end));
        held = end == b.length() ? null : b.slice(end, b.length());
    }

    @Override
    public void end() {
        // The held bytes end the reply: blanks, the envelope's '}', blanks, then the result's own close.
        Buffer h = held == null ? Buffer.buffer() : held;
        held = null;
        int i = h.length() - 1;
        while (i >= 0 && blank(h.getByte(i))) {
            i--;
        }
        boolean ok = i >= 0 && h.getByte(i) == '}';
        i--;
        while (ok && i >= 0 && blank(h.getByte(i))) {
            i--;
        }
        // The result's own close is the last byte before the envelope's, held or already handed on (a reply
        // with anything after its result is not lightningd's, and is not passed on as if it were).
        if (ok && (i >= 0 ? h.getByte(i) : lastByte) != close) {
            ok = false;
        }
        if (!ok) {
            fail(new IllegalStateException("lightningd's reply did not end as a JSON-RPC result"));
            return;
        }
        if (i >= 0) {
            deliver(h.slice(0, i + 1));
        }
        received = true;
        finishSocket();
        drain();
    }

    /** The connection went away mid-result. */
    void fail(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        failure = cause;
        queue.clear();
        finishSocket();
        Handler<Throwable> h = exceptionHandler;
        if (h != null && !discarding) {
            h.handle(cause);
        }
    }

    /** The reader went away: read the rest of the result and drop it. */
    void discard() {
        discarding = true;
        queue.clear();
        if (socketPaused) {
            socketPaused = false;
            socket.resume();
        }
    }

    private static boolean maybeEnvelopeEnd(byte b) {
        return b == '}' || blank(b);
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void deliver(Buffer b) {
        if (b.length() == 0) {
            return;
        }
        lastByte = b.getByte(b.length() - 1);
        if (discarding || done) {
            return;
        }
        if (queue.isEmpty() && demand > 0 && handler != null) {
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(b);
            return;
        }
        queue.add(b);
        if (!received && !socketPaused) {
            socketPaused = true;
            socket.pause();
        }
    }

    private void finishSocket() {
        if (socketPaused) {
            socketPaused = false;
            socket.resume(); // whatever follows on the connection is other replies
        }
        onFinished.run();
    }

    private void drain() {
        while (!queue.isEmpty() && demand > 0 && handler != null && !done) {
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            handler.handle(queue.poll());
        }
        if (queue.isEmpty() && !done) {
            if (received) {
                done = true;
                Handler<Void> h = endHandler;
                if (h != null && !discarding) {
                    h.handle(null);
                }
            } else if (socketPaused && demand > 0) {
                socketPaused = false;
                socket.resume();
            }
        }
    }

    // ---- ReadStream (the reader) ---------------------------------------------------------------------------

    @Override
    public ResultStream exceptionHandler(Handler<Throwable> h) {
        exceptionHandler = h;
        if (failure != null && h != null) {
            h.handle(failure);
        }
        return this;
    }

    @Override
    public ResultStream handler(Handler<Buffer> h) {
        handler = h;
        if (h == null) {
            discard();
        } else {
            drain();
        }
        return this;
    }

    @Override
    public ResultStream pause() {
        demand = 0;
        return this;
    }

    @Override
    public ResultStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ResultStream fetch(long amount) {
        demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
        drain();
        return this;
    }

    @Override
    public ResultStream endHandler(Handler<Void> h) {
        endHandler = h;
        drain();
        return this;
    }
}
