package org.clnrest.rpc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import org.clnrest.util.VertxInternals;

/**
 * Splits lightningd's RPC stream into replies at each {@code \n\n}. Written for large replies: every byte is
 * looked at once, with netty's vectorised byte search; a reply that arrived in one read is handed on as a
 * slice of it, one that spans many reads is copied once, into an array of exactly its size, and a large one
 * (over {@link #COMPOSE_FROM}) is handed on as a composite of its pieces, never copied. (Vert.x's
 * RecordParser reads byte by byte through the Buffer interface and grows its buffer by doubling, which left
 * several copies of a large reply for the garbage collector.)
 *
 * A reply still unfinished at {@link #OFFER_FROM} bytes is offered to the {@link Divert}: if it takes it, the
 * rest of that reply goes to the returned {@link Sink} as it arrives (the delimiter excluded), and is never
 * collected here.
 */
final class FrameSplitter implements Handler<Buffer> {
    private static final byte LF = '\n';
    private static final Buffer ONE_LF = Buffer.buffer(new byte[]{LF});
    /** Replies larger than this are handed on as a composite of their pieces rather than copied into one array. */
    static final int COMPOSE_FROM = 1 << 20;
    /** An unfinished reply this large is offered to the {@link Divert}. */
    static final int OFFER_FROM = 128 * 1024;

    /** Who may take a large reply as a stream. */
    interface Divert {
        /** The first bytes of a large unfinished reply (its pieces as received): a sink for it, or null. */
        Sink offer(List<Buffer> start);
    }

    /** Where a diverted reply's bytes go: all of them, from its first, in order, then its end. */
    interface Sink {
        void data(Buffer bytes);

        void end();
    }

    private final Handler<Buffer> onFrame;
    private final Divert divert;
    /** The start of an unfinished reply, as received. */
    private final List<Buffer> parts = new ArrayList<>();
    private int partsLength;
    /** The last byte received was a LF: a delimiter may straddle two reads. */
    private boolean endsWithLf;
    /** The current reply goes here (and its last LF, if the latest read ended with one, is held back). */
    private Sink sink;
    /** The current reply was offered and refused. */
    private boolean declined;

    FrameSplitter(Handler<Buffer> onFrame) {
        this(onFrame, null);
    }

    FrameSplitter(Handler<Buffer> onFrame, Divert divert) {
        this.onFrame = onFrame;
        this.divert = divert;
    }

    @Override
    public void handle(Buffer chunk) {
        int n = chunk.length();
        if (n == 0) {
            return;
        }
        int from = 0;
        if (endsWithLf && chunk.getByte(0) == LF) {
            // The delimiter straddles two reads: the held-back (or collected) LF was its first half.
            if (sink != null) {
                endSink();
            } else {
                emit(null, 0, 0, 1); // the parts, less the delimiter's first LF
            }
            from = 1;
        } else if (endsWithLf && sink != null) {
            sink.data(ONE_LF); // the LF held back was the reply's own
        }
        endsWithLf = false;
        ByteBuf bb = VertxInternals.byteBuf(chunk);
        int i = from;
        while (i < n - 1) {
            int lf = indexOfLf(bb, i, n - 1);
            if (lf < 0) {
                break;
            }
            if (chunk.getByte(lf + 1) == LF) {
                if (sink != null) {
                    if (lf > from) {
                        sink.data(chunk.slice(from, lf));
                    }
                    endSink();
                } else {
                    emit(chunk, from, lf, 0);
                }
                from = lf + 2;
                i = from;
            } else {
                i = lf + 1;
            }
        }
        if (from >= n) {
            return;
        }
        endsWithLf = chunk.getByte(n - 1) == LF;
        if (sink != null) {
            int to = endsWithLf ? n - 1 : n;
            if (to > from) {
                sink.data(chunk.slice(from, to));
            }
            return;
        }
        parts.add(chunk.slice(from, n));
        partsLength += n - from;
        if (divert != null && !declined && partsLength >= OFFER_FROM) {
            offer();
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first LF in {@code [from, to)} of the buffer's readable bytes, or -1. Over the backing array when there
     * is one, eight bytes at a time (SWAR): every byte of a 100 MB reply passes here, and with C1's code (the
     * launcher's default) this is about 3.5 times faster than a byte loop and than netty's search through a
     * slice's accessors. netty's search otherwise.
     */
    static int indexOfLf(ByteBuf bb, int from, int to) {
        int ri = bb.readerIndex();
        if (!bb.hasArray()) {
            int at = bb.indexOf(ri + from, ri + to, LF);
            return at < 0 ? -1 : at - ri;
        }
        byte[] a = bb.array();
        int base = bb.arrayOffset() + ri;
        int i = base + from;
        int end = base + to;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(a, i) ^ LFS;
            long found = (x - ONES) & ~x & HIGHS; // the high bit of each byte that was a LF (the lowest one is exact)
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3) - base;
            }
        }
        for (; i < end; i++) {
            if (a[i] == LF) {
                return i - base;
            }
        }
        return -1;
    }

    private void offer() {
        Sink s = divert.offer(parts);
        if (s == null) {
            declined = true;
            return;
        }
        sink = s;
        // Everything so far goes to the sink, but a last LF that may start the delimiter.
        int last = parts.size() - 1;
        for (int k = 0; k < last; k++) {
            s.data(parts.get(k));
        }
        Buffer tail = parts.get(last);
        int keep = endsWithLf ? tail.length() - 1 : tail.length();
        if (keep > 0) {
            s.data(tail.slice(0, keep));
        }
        parts.clear();
        partsLength = 0;
    }

    private void endSink() {
        Sink s = sink;
        sink = null;
        declined = false;
        s.end();
    }

    /** Hand on the parts plus {@code chunk[from, to)}, dropping {@code trim} trailing bytes of the parts. */
    private void emit(Buffer chunk, int from, int to, int trim) {
        Buffer frame;
        int tail = chunk == null ? 0 : to - from;
        if (parts.isEmpty()) {
            frame = chunk.slice(from, to);
        } else if (parts.size() == 1 && tail == 0) {
            Buffer only = parts.get(0);
            frame = only.slice(0, only.length() - trim);
        } else if (partsLength - trim + tail > COMPOSE_FROM) {
            // A large reply stays in the pieces it arrived in: no second copy of up to 100 MB.
            io.netty.buffer.CompositeByteBuf whole = io.netty.buffer.Unpooled.compositeBuffer(parts.size() + 1);
            int keep = partsLength - trim;
            for (Buffer p : parts) {
                int len = Math.min(p.length(), keep);
                if (len > 0) {
                    whole.addComponent(true, VertxInternals.byteBuf(p.slice(0, len)));
                }
                keep -= len;
            }
            if (tail > 0) {
                whole.addComponent(true, VertxInternals.byteBuf(chunk.slice(from, to)));
            }
            frame = VertxInternals.buffer(whole);
        } else {
            byte[] bytes = new byte[partsLength - trim + tail];
            int at = 0;
            for (Buffer p : parts) {
                int len = Math.min(p.length(), bytes.length - tail - at);
                p.getBytes(0, len, bytes, at);
                at += len;
            }
            if (tail > 0) {
                chunk.getBytes(from, to, bytes, at);
            }
            frame = Buffer.buffer(bytes);
        }
        parts.clear();
        partsLength = 0;
        endsWithLf = false;
        declined = false;
        if (frame.length() > 0) {
            onFrame.handle(frame);
        }
    }
}
