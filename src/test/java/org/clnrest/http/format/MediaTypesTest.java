package org.clnrest.http.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.clnrest.http.ApiError;
import org.junit.jupiter.api.Test;

/** Content negotiation alone: which format a Content-Type or an Accept header means. */
class MediaTypesTest {
    @Test
    void contentTypes() {
        assertEquals(Format.JSON, MediaTypes.contentType(null));
        assertEquals(Format.JSON, MediaTypes.contentType("*/*"));
        assertEquals(Format.JSON, MediaTypes.contentType("application/json; charset=utf-8"));
        assertEquals(Format.JSON, MediaTypes.contentType("application/vnd.api+json"));
        assertEquals(Format.YAML, MediaTypes.contentType("text/x-yaml"));
        assertEquals(Format.XML, MediaTypes.contentType("TEXT/XML"));
        assertEquals(Format.FORM, MediaTypes.contentType("application/x-www-form-urlencoded"));
        ApiError e = ApiError.format(assertThrows(FormatError.class, () -> MediaTypes.contentType("text/csv")));
        assertEquals(406, e.status());
        assertEquals("Unsupported content-type header: text/csv", e.getMessage());
    }

    @Test
    void acceptTakesTheHighestQuality() {
        assertEquals(Format.JSON, MediaTypes.accept(""));
        assertEquals(Format.YAML, MediaTypes.accept("application/json;q=0.5, application/yaml"));
        assertEquals(Format.XML, MediaTypes.accept("text/html, application/xml;q=0.9"));
        assertEquals(Format.JSON, MediaTypes.accept("application/*"));
        ApiError e = ApiError.format(assertThrows(FormatError.class, () -> MediaTypes.accept("text/html, application/yaml;q=0")));
        assertEquals("Unsupported accept header: text/html, application/yaml;q=0", e.getMessage());
    }
}
