package org.clnrest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextDiffTest {
    @Test
    void equalTextsHaveNoExcerpt() {
        assertEquals("", TextDiff.excerpt("a\nb\n", "a\nb\n"));
    }

    @Test
    void showsContextThenEachSideFromTheFirstDifferingLine() {
        assertEquals("first difference at line 5:\n  b\n  c\n  d\n- e\n- f\n+ E\n+ f\n",
                TextDiff.excerpt("a\nb\nc\nd\ne\nf", "a\nb\nc\nd\nE\nf"));
    }

    @Test
    void aTextThatStopsEarlyIsSaidToEnd() {
        assertEquals("first difference at line 2:\n  a\n- (end of text)\n+ b\n", TextDiff.excerpt("a", "a\nb"));
    }

    @Test
    void longTailsAreCounted() {
        String tail = "x\n".repeat(20); // 22 lines with the first and the empty one after the last newline
        assertEquals("first difference at line 1:\n" + "- 1\n" + "- x\n".repeat(7) + "- … 14 more lines\n" + "+ 2\n" + "+ x\n".repeat(7)
                + "+ … 14 more lines\n", TextDiff.excerpt("1\n" + tail, "2\n" + tail));
    }
}
