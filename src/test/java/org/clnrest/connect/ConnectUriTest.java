package org.clnrest.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.junit.jupiter.api.Test;

class ConnectUriTest {
    static final String[] PEMS = {"-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n",
            "-----BEGIN CERTIFICATE-----\nc\n-----END CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\na\n-----END CERTIFICATE-----\n"};

    @Test
    void certsIsTheBase64OfTheThreePemsInTheGuidesOrder() {
        // The guide's example value is the start of base64("-----BEGIN PRIVATE KEY-----"...).
        assertEquals("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0t", ConnectUri.certs(PEMS).substring(0, 32));
        assertEquals(String.join("", PEMS), new String(Base64.getDecoder().decode(ConnectUri.certs(PEMS)), StandardCharsets.US_ASCII));
    }

    @Test
    void queryValuesArePercentEncodedAndIpv6IsBracketed() {
        String rune = "ab+/cd==";
        String uri = ConnectUri.of("https", "fe80::1", 443, rune, PEMS);
        URI u = URI.create(uri);
        assertEquals("[fe80::1]", u.getHost());
        assertEquals(443, u.getPort());
        String q = u.getRawQuery();
        assertEquals(-1, q.indexOf('+'), "no raw + / = in values: " + q);
        assertEquals(rune, URLDecoder.decode(q.substring(5, q.indexOf('&')), StandardCharsets.UTF_8));
    }

    @Test
    void httpHasNoCerts() {
        assertEquals("clnrest+http://abc.onion:80?rune=r1", ConnectUri.of("http", "abc.onion", 80, "r1", null));
    }

    @Test
    void paramsByNameOrPosition() {
        assertEquals("r", ConnectUriVerticle.params(new JsonArray().add("r")).getString("rune"));
        assertEquals("readonly", ConnectUriVerticle.params(new JsonArray().addNull().add("readonly")).getValue("restrictions"));
        assertThrows(IllegalArgumentException.class, () -> ConnectUriVerticle.params(new JsonArray()));
        assertThrows(IllegalArgumentException.class, () -> ConnectUriVerticle.params(new JsonObject().put("rune", 3)));
    }
}
