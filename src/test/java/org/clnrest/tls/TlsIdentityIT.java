package org.clnrest.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.clnrest.support.Harness;
import org.junit.jupiter.api.Test;

/** A standard client (the JDK's, hostname verification always on) that trusts only ca.pem. */
public class TlsIdentityIT {

    static int getinfo(SSLContext ctx, String host, int port, String rune, String protocol) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[]{protocol});
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).sslParameters(params).version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/v1/getinfo"))
                .header("Rune", rune).POST(HttpRequest.BodyPublishers.noBody()).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aClientTrustingCaPemVerifiesTheServerByNameAndAddressOverTls12And13() throws Exception {
        try (Harness h = Harness.start()) {
            String rune = h.node.createRune(null);
            SSLContext ctx = h.trust();
            for (String host : new String[]{"localhost", "127.0.0.1"}) {
                assertEquals(201, getinfo(ctx, host, h.port, rune, "TLSv1.3"), host);
                assertEquals(201, getinfo(ctx, host, h.port, rune, "TLSv1.2"), host);
            }
            // A client that does not trust this node's CA refuses the server: the identity is really checked.
            SSLContext other = SSLContext.getInstance("TLS");
            other.init(null, null, null); // the JDK's default trust store
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> getinfo(other, "localhost", h.port, rune, "TLSv1.3"));
            assertEquals(SSLHandshakeException.class, e.getClass());
        }
    }
}
