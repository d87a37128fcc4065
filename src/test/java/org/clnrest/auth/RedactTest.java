package org.clnrest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RedactTest {
    static final String RUNE = "V1dOCiIGUbTvyAugkejsAWbXnBHlLzRM33iQT4H8Jg89MA";
    static final String NODE_ID = "029417bafb2ff053f5796040121e1142d97939bc52565c0f5b792fc337e88c47ec";

    @Test
    void runesAreCutPathsAndHexIdsStay() {
        String out = Redact.runes("checkrune for " + RUNE + " failed");
        assertFalse(out.contains(RUNE));
        assertEquals("checkrune for V1dOCi…(redacted) failed", out);
        String path = "Generated the TLS identity in /tmp/clnrest-test3895776775368092949/regtest/with-a-rather-long-directory-name";
        assertEquals(path, Redact.runes(path));
        assertEquals("node " + NODE_ID, Redact.runes("node " + NODE_ID));
    }
}
