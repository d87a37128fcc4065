package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** clnrest-cors-origins: '*', exact origins and whole-origin regular expressions. */
class CorsTest {

    @Test
    void exactOriginsAndRegexesAreMatchedWhole() {
        Cors cors = new Cors("default-src 'self'", List.of("https://app.example:8443", "https://.*\\.my-domain\\.example"));
        assertTrue(cors.allowed("https://app.example:8443"));
        assertFalse(cors.allowed("https://app.example:8444"), "exact means exact");
        assertFalse(cors.allowed("https://appXexample:8443"), "an exact origin is not a regex: '.' is a dot");
        assertTrue(cors.allowed("https://wallet.my-domain.example"));
        assertFalse(cors.allowed("https://wallet.my-domain.example.evil.example"), "regexes match the whole origin");
        assertFalse(cors.allowed("http://wallet.my-domain.example"));
    }

    @Test
    void starAllowsAnyOrigin() {
        assertTrue(new Cors("x", List.of("*")).allowed("https://anything.example"));
    }
}
