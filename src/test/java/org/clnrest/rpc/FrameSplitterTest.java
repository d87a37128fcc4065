package org.clnrest.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
