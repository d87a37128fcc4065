package org.clnrest.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Keeps {@code server.pem} fit for its clients: re-issued, by the same CA and for the same key, when the names
 * asked for differ from the ones it carries, or when it expires within {@link #RENEW_BEFORE}. The CA and every
 * key stay as they are, so clients that pinned {@code ca.pem} (or the server's key) keep trusting the server.
 */
public final class ServerCertificate {
    /** A certificate that expires sooner than this is renewed at start-up. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private ServerCertificate() {}

    /** What {@link #check} did, and why, for the log. */
    public record Renewal(boolean renewed, String why) {}

    /**
     * Renew {@code server.pem} in {@code dir} when it must be. {@code names} are the names wanted; they are
     * compared with the certificate's only when {@code namesAsked} (the operator named some): without
     * clnrest-server-names a certificate another tool made (cln-grpc) is left as it is, unless it expires.
     * Blocking (file I/O, signing): run off the event loop.
     */
    public static Renewal check(Path dir, Set<String> names, boolean namesAsked) throws Exception {
        X509Certificate server = read(dir.resolve("server.pem"));
        Set<String> has = ServerNames.in(server);
        String why = null;
        if (namesAsked && !has.equals(names)) {
            why = "its names changed (" + diff(names, has, "+") + diff(has, names, "-").trim() + ")";
        } else if (server.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            why = "it expires on " + server.getNotAfter().toInstant();
        }
        if (why == null) {
            return new Renewal(false, null);
        }
        X509Certificate ca = read(dir.resolve("ca.pem"));
        PrivateKey caKey = privateKey(dir.resolve("ca-key.pem"));
        Set<String> wanted = namesAsked ? names : has;
        X509CertificateHolder renewed = CertificateStore.sign(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                CertificateStore.SERVER_SUBJECT, caKey, ca.getPublicKey(), server.getPublicKey(),
                ServerNames.generalNames(wanted), false, KeyPurposeId.id_kp_serverAuth);
        if (!renewed.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.getPublicKey()))) {
            throw new IOException("ca-key.pem is not the key of ca.pem");
        }
        CertificateStore.writePem(dir.resolve("server.pem"), renewed, false);
        return new Renewal(true, why);
    }

    private static String diff(Set<String> a, Set<String> b, String sign) {
        Set<String> d = new LinkedHashSet<>(a);
        d.removeAll(b);
        StringBuilder s = new StringBuilder();
        d.forEach(n -> s.append(sign).append(n).append(' '));
        return s.toString();
    }

    static X509Certificate read(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey privateKey(Path pem) throws IOException {
        try (Reader r = new StringReader(Files.readString(pem)); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IOException(pem.getFileName() + " holds no private key it can read");
        }
    }
}
