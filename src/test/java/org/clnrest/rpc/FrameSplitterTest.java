package org.clnrest.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vertx.core.buffer.Buffer;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The RPC stream splitter against every way reads can cut lightningd's replies, including mid-delimiter. */
class FrameSplitterTest {

    static List<String> split(List<String> chunks) {
        List<String> frames = new ArrayList<>();
        FrameSplitter s = new FrameSplitter(b -> frames.add(b.toString()));
        chunks.forEach(c -> s.handle(Buffer.buffer(c)));
        return frames;
    }

    @Test
    void delimiterCutBetweenReads() {
        assertEquals(List.of("{\"a\":1}", "{\"b\":\"x\\ny\"}"), split(List.of("{\"a\":1}\n", "\n{\"b\":\"x\\ny\"}\n", "\n")));
        assertEquals(List.of("{}"), split(List.of("{", "}", "\n", "\n", "{\"unfinished\"")));
        assertEquals(List.of("{\"a\":\n1}"), split(List.of("{\"a\":\n", "1}\n\n")));
    }

    @Test
    void aLargeReplyIsHandedOnWholeFromItsPieces() {
        String big = "{\"id\":1,\"result\":{\"s\":\"" + "y".repeat(3_000_000) + "\"}}";
        String next = "{\"id\":2,\"result\":{}}";
        String stream = big + "\n\n" + next + "\n\n";
        List<String> chunks = new ArrayList<>();
        for (int at = 0; at < stream.length(); at += 65_536) {
            chunks.add(stream.substring(at, Math.min(stream.length(), at + 65_536)));
        }
        assertEquals(List.of(big, next), split(chunks));
    }

    @RepeatedTest(50)
    void anyChunkingGivesTheSameReplies() {
        Random r = new Random();
        List<String> expected = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(20); i++) {
            String frame = "{\"id\":" + i + ",\"result\":{\"s\":\"" + "x".repeat(r.nextInt(3000)) + "\",\"nl\":\"a\\n\"}}";
            expected.add(frame);
            stream.append(frame).append("\n\n");
        }
        List<String> chunks = new ArrayList<>();
        for (int at = 0; at < stream.length(); ) {
            int len = Math.min(stream.length() - at, 1 + r.nextInt(r.nextBoolean() ? 3 : 5000));
            chunks.add(stream.substring(at, at + len));
            at += len;
        }
        assertEquals(expected, split(chunks));
    }

    /**
     * Frames whose text starts with {"big are taken as streams when offered (the rest are collected); each
     * frame comes out as "whole:" or "streamed:" followed by its text, in order.
     */
    static List<String> splitDiverting(List<String> chunks) {
        List<String> frames = new ArrayList<>();
        StringBuilder[] current = new StringBuilder[1];
        FrameSplitter s = new FrameSplitter(b -> frames.add("whole:" + b), start -> {
            StringBuilder head = new StringBuilder();
            start.forEach(b -> head.append(b.toString()));
            if (!head.toString().startsWith("{\"big")) {
                return null;
            }
            current[0] = new StringBuilder();
            return new FrameSplitter.Sink() {
                @Override
                public void data(Buffer bytes) {
                    current[0].append(bytes.toString());
                }

                @Override
                public void end() {
                    frames.add("streamed:" + current[0]);
                }
            };
        });
        chunks.forEach(c -> s.handle(Buffer.buffer(c)));
        return frames;
    }

    @RepeatedTest(30)
    void largeRepliesGoToTheSinkWholeUnderAnyChunking() {
        Random r = new Random();
        int maxChunk = 70_000;
        List<String> texts = new ArrayList<>();
        List<Boolean> mustStream = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(8); i++) {
            boolean big = r.nextBoolean();
            int size = big ? FrameSplitter.OFFER_FROM + r.nextInt(300_000) : r.nextInt(FrameSplitter.OFFER_FROM * 2);
            // Single newlines inside the reply must not be taken for the delimiter.
            String frame = (big ? "{\"big\":" : "{\"small\":") + i + ",\"s\":\"" + "x\n".repeat(size / 2) + "\"}";
            texts.add(frame);
            // A reply is offered once OFFER_FROM of it has arrived and it is not yet over: past that plus a read, it must be.
            mustStream.add(big && frame.length() > FrameSplitter.OFFER_FROM + maxChunk);
            stream.append(frame).append("\n\n");
        }
        List<String> chunks = new ArrayList<>();
        for (int at = 0; at < stream.length(); ) {
            int len = Math.min(stream.length() - at, 1 + r.nextInt(r.nextInt(4) == 0 ? 3 : maxChunk));
            chunks.add(stream.substring(at, at + len));
            at += len;
        }
        List<String> out = splitDiverting(chunks);
        assertEquals(texts.size(), out.size());
        for (int i = 0; i < texts.size(); i++) {
            String o = out.get(i);
            boolean streamed = o.startsWith("streamed:");
            assertEquals(texts.get(i), o.substring(o.indexOf(':') + 1), "frame " + i);
            if (mustStream.get(i)) {
                assertTrue(streamed, "frame " + i + " should have been streamed");
            }
            if (texts.get(i).startsWith("{\"small")) {
                assertFalse(streamed, "frame " + i + " was refused, so collected");
            }
        }
    }

    @Test
    void theEightBytesAtATimeSearchFindsTheFirstLfAnywhere() {
        Random r = new Random(7);
        for (int n = 0; n < 40; n++) {
            byte[] a = new byte[n + 9];
            for (int k = 0; k < a.length; k++) {
                a[k] = (byte) (r.nextBoolean() ? 'x' : r.nextInt(256)); // 0x8A, 0x0B, ... must not pass for LF
                if (a[k] == '\n') {
                    a[k] = 'y';
                }
            }
            io.netty.buffer.ByteBuf bb = io.netty.buffer.Unpooled.wrappedBuffer(a, 3, n + 5); // an offset into the array
            assertEquals(-1, FrameSplitter.indexOfLf(bb, 0, n + 5));
            for (int lf = 0; lf < n + 5; lf++) {
                a[3 + lf] = '\n';
                for (int from = 0; from <= lf; from++) {
                    assertEquals(lf, FrameSplitter.indexOfLf(bb, from, n + 5), "LF at " + lf + ", from " + from);
                }
                assertEquals(-1, FrameSplitter.indexOfLf(bb, 0, lf), "not before it");
                a[3 + lf] = 'x';
            }
        }
    }
}
