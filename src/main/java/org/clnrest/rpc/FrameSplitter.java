package org.clnrest.rpc;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Splits lightningd's RPC stream into replies at each {@code \n\n}. Written for large replies: every byte is
 * looked at once, with netty's vectorised byte search; a reply that arrived in one read is handed on as a
 * slice of it, one that spans many reads is copied once, into an array of exactly its size, and a large one
 * (over {@link #COMPOSE_FROM}) is handed on as a composite of its pieces, never copied. (Vert.x's
 * RecordParser reads byte by byte through the Buffer interface and grows its buffer by doubling, which left
 * several copies of a large reply for the garbage collector.)
 */
final class FrameSplitter implements Handler<Buffer> {
    private static final byte LF = '\n';
    /** Replies larger than this are handed on as a composite of their pieces rather than copied into one array. */
    static final int COMPOSE_FROM = 1 << 20;
    private final Handler<Buffer> onFrame;
    /** The start of an unfinished reply, as received. */
    private final List<Buffer> parts = new ArrayList<>();
    private int partsLength;
    /** The last byte received was a LF: a delimiter may straddle two reads. */
    private boolean endsWithLf;

    FrameSplitter(Handler<Buffer> onFrame) {
        this.onFrame = onFrame;
    }

    @Override
    public void handle(Buffer chunk) {
        int n = chunk.length();
        if (n == 0) {
            return;
        }
        int from = 0;
        if (endsWithLf && chunk.getByte(0) == LF) {
            emit(null, 0, 0, 1); // the parts, less the delimiter's first LF
            from = 1;
        }
        ByteBuf bb = ((BufferInternal) chunk).getByteBuf();
        int ri = bb.readerIndex();
        int i = from;
        while (i < n - 1) {
            int lf = bb.indexOf(ri + i, ri + n - 1, LF);
            if (lf < 0) {
                break;
            }
            lf -= ri;
            if (chunk.getByte(lf + 1) == LF) {
                emit(chunk, from, lf, 0);
                from = lf + 2;
                i = from;
            } else {
                i = lf + 1;
            }
        }
        if (from < n) {
            parts.add(chunk.slice(from, n));
            partsLength += n - from;
            endsWithLf = chunk.getByte(n - 1) == LF;
        } else {
            endsWithLf = false;
        }
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
                    whole.addComponent(true, ((BufferInternal) p.slice(0, len)).getByteBuf());
                }
                keep -= len;
            }
            if (tail > 0) {
                whole.addComponent(true, ((BufferInternal) chunk.slice(from, to)).getByteBuf());
            }
            frame = BufferInternal.buffer(whole);
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
        if (frame.length() > 0) {
            onFrame.handle(frame);
        }
    }
}
