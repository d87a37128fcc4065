package org.clnrest.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * What lightningd said of runes lately, so that the next question costs it nothing or cannot be crowded out.
 * <ul>
 * <li>Refusals: the same (rune, nodeid, method, params) refused by lightningd is answered from here for
 * {@link #REFUSAL_TTL_MS} (a wallet retrying a forbidden {@code waitanyinvoice} in a tight loop cost lightningd 3,580
 * checkrune calls in 3 s). Successes are never answered from here: a rune's {@code rate} and {@code time}
 * restrictions are lightningd's to judge on every call, as upstream.</li>
 * <li>Accepted runes: a rune lightningd accepted within {@link #KNOWN_TTL_MS} is "known", and known runes may use
 * checkrune places that strangers' runes cannot ({@link RuneCheck}).</li>
 * </ul>
 * Both are bounded LRU maps keyed by SHA-256 digests (no rune kept in memory here), event-loop confined.
 */
final class RuneMemory {
    static final long REFUSAL_TTL_MS = 1_000;
    static final long KNOWN_TTL_MS = 10 * 60_000;
    static final int MAX_ENTRIES = 4096;

    private final Map<String, Entry> refusals = lru();
    private final Map<String, Entry> known = lru();

    private record Entry(long until, JsonObject error) {
    }

    JsonObject refusal(String key, long now) {
        Entry e = refusals.get(key);
        if (e == null || e.until < now) {
            refusals.remove(key);
            return null;
        }
        return e.error;
    }

    void refused(String key, JsonObject error, long now) {
        refusals.put(key, new Entry(now + REFUSAL_TTL_MS, error));
    }

    boolean known(String runeKey, long now) {
        Entry e = known.get(runeKey);
        return e != null && e.until >= now;
    }

    void accepted(String runeKey, long now) {
        known.put(runeKey, new Entry(now + KNOWN_TTL_MS, null));
    }

    /** A rune alone, for {@link #known}. */
    static String runeKey(String rune) {
        return digest(rune);
    }

    /** One question to checkrune, for {@link #refusal}. */
    static String questionKey(String rune, String nodeid, String method, Object params) {
        return digest(rune + '\u0000' + nodeid + '\u0000' + method + '\u0000' + (params == null ? "" : Json.encode(params)));
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Entry> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}
