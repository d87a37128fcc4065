package org.clnrest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One spelling per path (issue 13: a registered path's restrictions must not be sidestepped by another spelling). */
class CanonicalPathTest {
    @ParameterizedTest
    @CsvSource({
            "/v1/getinfo,            /v1/getinfo",
            "/v1/./getinfo,          /v1/getinfo",
            "/v1//getinfo,           /v1/getinfo",
            "/v1/x/../getinfo,       /v1/getinfo",
            "/./v1/getinfo,          /v1/getinfo",
            "/v1/%2e/getinfo,        /v1/getinfo",
            "/v1/%2E%2E/v1/getinfo,  /v1/getinfo",
            "/v1/%67etinfo,          /v1/getinfo",
            "/v1/getinfo/,           /v1/getinfo/",
            "/swagger-ui/,           /swagger-ui/",
            "/v1/..,                 /",
            "/../..,                 /",
            "/v1/a%2fb,              /v1/a%2Fb",
            "/v1/al%20ice,           /v1/al%20ice",
            "/v1/100%,               /v1/100%",
    })
    void everySpellingHasOneForm(String raw, String canonical) {
        assertEquals(canonical, CanonicalPath.of(raw));
    }
}
