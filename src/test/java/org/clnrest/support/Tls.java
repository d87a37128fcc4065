package org.clnrest.support;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The JDK's TLS as a client of the plugin meets it: trusting one CA and nothing else (no default trust store, no bypass). */
public final class Tls {
    private static final Pattern PEM_CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\\s*");

    private Tls() {}

    /** A context trusting only the certificate in the PEM file {@code ca} (lightningd's ca.pem). */
    public static SSLContext trusting(Path ca) throws Exception {
        try (InputStream in = Files.newInputStream(ca)) {
            return trusting(CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    /** A context trusting only the last certificate of a PEM bundle (the CA, in a connection URI's certs). */
    public static SSLContext trustingLastOf(String bundle) throws Exception {
        Matcher m = PEM_CERTIFICATE.matcher(bundle);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        if (last == null) {
            throw new AssertionError("no PEM certificate in: " + bundle);
        }
        return trusting(CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(last.getBytes(StandardCharsets.US_ASCII))));
    }

    private static SSLContext trusting(Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
