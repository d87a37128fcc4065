package org.clnrest.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded fuzzing of request bodies, shared by the in-process parser fuzz and the fuzz over the wire. */
public final class BodyMutator {
    static final String SPECIALS = "{}[]<>&=%\":,\n\\*!";

    private BodyMutator() {}

    /** A few random byte edits of a valid body: flips, insertions, deletions, truncation. */
    public static byte[] mutate(byte[] seed, Random r) {
        List<Byte> b = new ArrayList<>();
        for (byte x : seed) {
            b.add(x);
        }
        int edits = r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.size());
            switch (r.nextInt(4)) {
                case 0 -> { if (!b.isEmpty()) { b.set(at, (byte) r.nextInt(256)); } }
                case 1 -> b.add(at, (byte) SPECIALS.charAt(r.nextInt(SPECIALS.length())));
                case 2 -> { if (!b.isEmpty()) { b.remove(at); } }
                default -> { while (b.size() > at) { b.remove(b.size() - 1); } }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }
}
