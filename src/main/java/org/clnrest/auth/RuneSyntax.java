package org.clnrest.auth;

import io.vertx.core.json.JsonObject;

/**
 * What lightningd's {@code checkrune} would refuse before looking at the rune's meaning, checked here so that a
 * malformed rune reaches neither lightningd nor its log (lightningd logs every such token in full at INFO, "Invalid
 * parameter rune (should be base64 string): token '...'": a stranger's 15,000-character junk rune per request filled
 * a node's log at 34 MB/s). The rules are ccan/rune's {@code rune_from_base64n}, which checkrune's {@code param_rune}
 * calls: the URL-safe base64 alphabet (padding allowed at the end), at least the 32-byte authcode once decoded, and
 * restrictions that are a C string (no NUL). The answer is lightningd's own: {@code command_fail_badparam} without
 * dev APIs, -32602 {@code "rune: should be base64 string: invalid token (see logs for details)"}.
 */
final class RuneSyntax {
    /** lightningd's answer to a rune that is not base64 (common/json_command.h, command_fail_badparam). */
    static final String NOT_BASE64 = "rune: should be base64 string: invalid token (see logs for details)";
    /**
     * Longest rune checked. A rune grows by each restriction added; the longest real ones are a few hundred
     * characters. Past this, a well-formed rune is refused here (with this plugin's own message), so a stranger cannot make every check carry kilobytes.
     */
    static final int MAX_LENGTH = 4096;
    private static final int AUTHCODE = 32;

    private RuneSyntax() {
    }

    /** lightningd's error for {@code rune} (already trimmed), or null when lightningd is to judge it. */
    static JsonObject problem(String rune) {
        if (!wellFormed(rune)) {
            return new JsonObject().put("code", -32602).put("message", NOT_BASE64);
        }
        return rune.length() <= MAX_LENGTH ? null : new JsonObject().put("code", -32602)
                .put("message", "rune: longer than " + MAX_LENGTH + " characters: invalid token");
    }

    static boolean wellFormed(String rune) {
        int end = rune.length();
        while (end > 0 && rune.charAt(end - 1) == '=' && rune.length() - end < 2) {
            end--;
        }
        if ((long) end * 6 / 8 < AUTHCODE) {
            return false;
        }
        int bits = 0;
        int acc = 0;
        int decoded = 0;
        for (int i = 0; i < end; i++) {
            int v = value(rune.charAt(i));
            if (v < 0) {
                return false;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                int b = (acc >> bits) & 0xff;
                if (decoded++ >= AUTHCODE && b == 0) {
                    return false; // the restrictions are read as a C string: a NUL cuts them, and lightningd refuses it
                }
            }
        }
        return true;
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }
}
