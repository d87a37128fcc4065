package org.clnrest.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Keeps {@code client.pem} fit for the cluster's bus, where every member is both TLS client and TLS server:
 * a certificate whose extended key usage names clientAuth only (what this plugin issued before the fleet
 * existed) is re-issued by the same CA for the same key and names, with serverAuth added. One without the
 * extension (cln-grpc's) or with both is left as it is.
 */
public final class MemberCertificate {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private MemberCertificate() {}

    /**
     * Check {@code client.pem} in {@code dir}; re-issue it when it must be. Returns why it was re-issued, or
     * null. Fails when it must be and {@code ca-key.pem} is not there. Blocking: run off the event loop.
     */
    public static String check(Path dir) throws Exception {
        X509Certificate client = ServerCertificate.read(dir.resolve("client.pem"));
        List<String> usage = client.getExtendedKeyUsage();
        if (usage == null || usage.contains(SERVER_AUTH)) {
            return null;
        }
        if (!Files.isReadable(dir.resolve("ca-key.pem"))) {
            throw new IOException("client.pem in " + dir + " is for TLS clients only, and ca-key.pem is not there to re-issue it;"
                    + " a fleet member presents it as a TLS server too (docs/cluster.md)");
        }
        X509Certificate ca = ServerCertificate.read(dir.resolve("ca.pem"));
        PrivateKey caKey = ServerCertificate.privateKey(dir.resolve("ca-key.pem"));
        List<GeneralName> names = client.getSubjectAlternativeNames() == null ? List.of()
                : client.getSubjectAlternativeNames().stream().map(n -> new GeneralName((Integer) n.get(0), (String) n.get(1))).toList();
        X509CertificateHolder renewed = CertificateStore.sign(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                X500Name.getInstance(client.getSubjectX500Principal().getEncoded()), caKey, ca.getPublicKey(), client.getPublicKey(),
                names, false, CertificateStore.CLIENT_PURPOSES);
        if (!renewed.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.getPublicKey()))) {
            throw new IOException("ca-key.pem is not the key of ca.pem in " + dir);
        }
        CertificateStore.writePem(dir.resolve("client.pem"), renewed, false);
        return "client.pem had the usage " + Arrays.toString(usage.toArray()) + ": re-issued with serverAuth for the cluster";
    }
}
