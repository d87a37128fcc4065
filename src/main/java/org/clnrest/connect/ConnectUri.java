package org.clnrest.connect;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A connection URI as lightningd's app-development guide defines it ("CLN connection URIs", REST API
 * Connection, doc/developers-guide/app-development.md in ElementsProject/lightning):
 *
 * <pre>clnrest+&lt;protocol&gt;://&lt;rest-host&gt;:&lt;rest-port&gt;?rune=&lt;rune&gt;&amp;certs=&lt;combined-base64-encoded-clientkey-clientcert-cacert&gt;</pre>
 *
 * {@code certs} is the standard base64 of the three PEM files' text one after the other, in that order
 * (client-key.pem, client.pem, ca.pem): the guide's example {@code LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0t} decodes
 * to {@code -----BEGIN PRIVATE KEY--}. Query values are percent-encoded (base64's {@code + / =} would
 * otherwise change meaning in a query); wallets read them with decodeURIComponent. An IPv6 host is bracketed.
 * Over http there are no certificates and no {@code certs}.
 */
public final class ConnectUri {
    private ConnectUri() {}

    /** @param pems the PEM texts of client-key.pem, client.pem and ca.pem, or null for http */
    public static String of(String protocol, String host, int port, String rune, String[] pems) {
        StringBuilder uri = new StringBuilder("clnrest+").append(protocol).append("://")
                .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
                .append("?rune=").append(encode(rune));
        if (pems != null) {
            uri.append("&certs=").append(encode(certs(pems)));
        }
        return uri.toString();
    }

    /** base64 (standard alphabet, padded) of the PEM texts concatenated. */
    static String certs(String[] pems) {
        return Base64.getEncoder().encodeToString(String.join("", pems).getBytes(StandardCharsets.US_ASCII));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
