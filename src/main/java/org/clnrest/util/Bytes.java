package org.clnrest.util;

import io.vertx.core.buffer.Buffer;

/** Small byte-level checks on buffers, without decoding them. */
public final class Bytes {
    private Bytes() {}

    /** The first byte that is not JSON white space, or -1 when there is none. */
    public static int firstNonBlank(Buffer b) {
        for (int i = 0; i < b.length(); i++) {
            byte c = b.getByte(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
        }
        return -1;
    }

    public static boolean isBlank(Buffer b) {
        return firstNonBlank(b) < 0;
    }
}
