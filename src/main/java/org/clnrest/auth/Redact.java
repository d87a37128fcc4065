package org.clnrest.auth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps secrets out of logs and error bodies. */
public final class Redact {
    private Redact() {}

    // A rune is base64url of 32 bytes of authcode plus its restrictions: 43+ characters. Hex strings of that
    // length (node ids, payment hashes) are left alone: only tokens with a non-hex character are runes.
    // base64url only (lightningd's runes): '/' is left out so that file paths are never mistaken for runes.
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]{40,}={0,2}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    /** Replace anything that looks like a rune by its first 6 characters and a marker. */
    public static String runes(String text) {
        if (text == null || text.length() < 40) {
            return text;
        }
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String token = m.group();
            if (HEX.matcher(token).matches()) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(token, 0, 6).append("…(redacted)");
            last = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }
}
