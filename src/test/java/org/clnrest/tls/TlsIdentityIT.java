package org.clnrest.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.clnrest.Harness;
import org.junit.jupiter.api.Test;

/** A standard client (the JDK's, hostname verification always on) that trusts only ca.pem. */
public class TlsIdentityIT {

    public static SSLContext trusting(Path ca) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            ks.setCertificateEntry("cln", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

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
            SSLContext ctx = trusting(h.node.networkDir().resolve("ca.pem"));
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
