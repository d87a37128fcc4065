package org.clnrest.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What may be said of a rune in a log: its unique id (the restriction {@code =<id>} lightningd puts first),
 * never the rune itself.
 */
public final class RuneId {
    private RuneId() {}

    /** The rune's unique id, or {@code ?} when the rune does not decode. */
    public static String of(String rune) {
        if (rune == null) {
            return "-";
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(rune.trim());
            if (raw.length < 32) {
                return "?";
            }
            String restrictions = new String(raw, 32, raw.length - 32, StandardCharsets.UTF_8);
            if (restrictions.startsWith("=")) {
                int end = restrictions.indexOf('&');
                String id = end < 0 ? restrictions.substring(1) : restrictions.substring(1, end);
                int version = id.indexOf('-');
                return version < 0 ? id : id.substring(0, version);
            }
            return "?";
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}
