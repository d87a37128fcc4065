package org.clnrest.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.clnrest.support.Harness;
import org.clnrest.demo.SimulatedLightningd;
import org.junit.jupiter.api.Test;

/** client.pem as a cluster member needs it: both TLS ends; an older clientAuth-only one re-issued for the same key. */
class MemberCertificateTest {

    @Test
    void clientAuthOnlyIsReissuedForTheSameKeyByTheSameCa() throws Exception {
        Path dir = Files.createTempDirectory("clnrest-member-cert");
        try {
            List<GeneralName> names = List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            CertificateStore.ensure(dir, names, Duration.ZERO);
            assertNull(MemberCertificate.check(dir), "a new identity's client.pem serves both ends already");

            X509Certificate ca = ServerCertificate.read(dir.resolve("ca.pem"));
            X509Certificate before = ServerCertificate.read(dir.resolve("client.pem"));
            CertificateStore.writePem(dir.resolve("client.pem"), CertificateStore.sign(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    CertificateStore.CLIENT_SUBJECT, ServerCertificate.privateKey(dir.resolve("ca-key.pem")), ca.getPublicKey(),
                    before.getPublicKey(), names, false, KeyPurposeId.id_kp_clientAuth), false);

            assertTrue(MemberCertificate.check(dir).contains("re-issued with serverAuth"));
            X509Certificate after = ServerCertificate.read(dir.resolve("client.pem"));
            assertEquals(List.of("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"), after.getExtendedKeyUsage());
            assertEquals(before.getPublicKey(), after.getPublicKey(), "same key");
            after.verify(ca.getPublicKey());
            assertEquals(before.getSubjectAlternativeNames().toString(), after.getSubjectAlternativeNames().toString(), "same names");
            assertNull(MemberCertificate.check(dir), "once is enough");
        } finally {
            Harness.deleteTree(dir);
        }
    }
}
