package org.clnrest.support;

/** Where two texts first part, as a reader wants it in a failure: a few lines of context, then each side's next lines. */
public final class TextDiff {
    static final int CONTEXT = 3;
    static final int SHOWN = 8;

    private TextDiff() {}

    /** "" when equal; otherwise the first differing line (1-based) with its context, "-" lines from {@code expected}, "+" from {@code actual}. */
    public static String excerpt(String expected, String actual) {
        if (expected.equals(actual)) {
            return "";
        }
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int first = 0;
        while (first < a.length && first < b.length && a[first].equals(b[first])) {
            first++;
        }
        StringBuilder out = new StringBuilder("first difference at line " + (first + 1) + ":\n");
        for (int i = Math.max(0, first - CONTEXT); i < first; i++) {
            out.append("  ").append(a[i]).append('\n');
        }
        side(out, "- ", a, first);
        side(out, "+ ", b, first);
        return out.toString();
    }

    private static void side(StringBuilder out, String mark, String[] lines, int from) {
        int to = Math.min(lines.length, from + SHOWN);
        for (int i = from; i < to; i++) {
            out.append(mark).append(lines[i]).append('\n');
        }
        if (from >= lines.length) {
            out.append(mark).append("(end of text)\n");
        } else if (to < lines.length) {
            out.append(mark).append("… ").append(lines.length - to).append(" more lines\n");
        }
    }
}
