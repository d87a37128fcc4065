package org.clnrest.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.clnrest.support.NamedTls;
import org.clnrest.support.Tls;
import org.clnrest.support.Harness;
import org.clnrest.demo.SimulatedLightningd;
import org.junit.jupiter.api.Test;

/**
 * clnrest-server-names as an operator lives with it: the JDK's TLS client, trusting only the ca.pem it was
 * given on day one, verifies the server under each extra name (a domain, an IP, an onion name); adding a name
 * re-issues server.pem by the same CA for the same key; a restart with the same names changes nothing; removing
 * a name re-issues it without that name; a server.pem about to expire is renewed at start-up, its names kept.
 */
class ServerNamesIT {
    static final String ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
    static final List<String> NAMES = List.of("node.example.com", "10.20.30.40", ONION);

    private static SimulatedLightningd start(Path dir, int port, List<String> names) throws Exception {
        SimulatedLightningd.Builder b = SimulatedLightningd.builder(dir).plugin(Harness.pluginCommand()).option("clnrest-port", port);
        names.forEach(n -> b.option("clnrest-server-names", n));
        SimulatedLightningd node = b.build().start();
        node.awaitLog("REST server running at", Duration.ofSeconds(60));
        return node;
    }

    @Test
    void eachNameVerifiesAndTheCaStaysAsNamesAreAddedOrRemovedAndTheCertificateAges() throws Exception {
        Path dir = Files.createTempDirectory("clnrest-names");
        int port = Harness.freePort();
        try {
            SimulatedLightningd node = start(dir, port, NAMES);
            Path certs = node.networkDir();
            byte[] ca = Files.readAllBytes(certs.resolve("ca.pem"));
            SSLContext dayOne = Tls.trusting(certs.resolve("ca.pem"));
            String rune = node.createRune(null);
            try {
                for (String name : List.of("node.example.com", "10.20.30.40", ONION, "localhost", "127.0.0.1")) {
                    assertEquals(201, NamedTls.post(dayOne, name, port, "/v1/getinfo", rune).status(), name);
                }
                assertThrows(SSLHandshakeException.class, () -> NamedTls.post(dayOne, "other.example.com", port, "/v1/getinfo", rune),
                        "a name the certificate does not carry is refused: the client really checks");
            } finally {
                node.close();
            }
            byte[] serverKey = Files.readAllBytes(certs.resolve("server-key.pem"));
            byte[] first = Files.readAllBytes(certs.resolve("server.pem"));

            node = start(dir, port, List.of("node.example.com", "10.20.30.40", ONION, "new.example.com"));
            try {
                assertTrue(node.log().stream().anyMatch(l -> l.contains("Renewed the server certificate") && l.contains("+new.example.com")),
                        String.join("\n", node.log()));
                assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(certs.resolve("server.pem"))), "server.pem re-issued");
                assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")), "the CA is kept");
                assertArrayEquals(serverKey, Files.readAllBytes(certs.resolve("server-key.pem")), "the key is kept");
                String rune2 = node.createRune(null);
                assertEquals(201, NamedTls.post(dayOne, "new.example.com", port, "/v1/getinfo", rune2).status());
                assertEquals(201, NamedTls.post(dayOne, ONION, port, "/v1/getinfo", rune2).status());
            } finally {
                node.close();
            }
            byte[] second = Files.readAllBytes(certs.resolve("server.pem"));

            node = start(dir, port, List.of("node.example.com", "10.20.30.40", ONION, "new.example.com"));
            node.close();
            assertArrayEquals(second, Files.readAllBytes(certs.resolve("server.pem")), "same names: nothing re-issued");

            node = start(dir, port, List.of("node.example.com", "10.20.30.40", "new.example.com")); // the onion name removed
            try {
                // The log's rune redaction shortens the v3 onion name (56 characters, like a rune): "-pg6mmj…(redacted).onion".
                assertTrue(node.log().stream().anyMatch(l -> l.contains("Renewed the server certificate")
                                && l.contains("its names changed (-" + ONION.substring(0, 5)) && l.endsWith(".onion)")),
                        String.join("\n", node.log()));
                assertFalse(java.util.Arrays.equals(second, Files.readAllBytes(certs.resolve("server.pem"))), "server.pem re-issued");
                java.util.Set<String> sans = ServerNames.in(ServerCertificate.read(certs.resolve("server.pem")));
                assertFalse(sans.contains(ONION), "the removed name is gone: " + sans);
                assertTrue(sans.containsAll(List.of("node.example.com", "10.20.30.40", "new.example.com", "localhost", "127.0.0.1")), sans.toString());
                assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")), "the CA is kept");
                assertArrayEquals(serverKey, Files.readAllBytes(certs.resolve("server-key.pem")), "the key is kept");
                String rune3 = node.createRune(null);
                assertEquals(201, NamedTls.post(dayOne, "node.example.com", port, "/v1/getinfo", rune3).status());
                assertThrows(SSLHandshakeException.class, () -> NamedTls.post(dayOne, ONION, port, "/v1/getinfo", rune3),
                        "the server is no longer verified under the removed name");
            } finally {
                node.close();
            }

            ageServerCertificate(certs, Duration.ofDays(10));
            node = start(dir, port, List.of()); // no names asked: only the expiry matters, and the names are kept
            try {
                assertTrue(node.log().stream().anyMatch(l -> l.contains("Renewed the server certificate") && l.contains("expires")));
                X509Certificate renewed = ServerCertificate.read(certs.resolve("server.pem"));
                assertTrue(renewed.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(365))));
                assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")));
                assertEquals(201, NamedTls.post(dayOne, "new.example.com", port, "/v1/getinfo", node.createRune(null)).status());
            } finally {
                node.close();
            }
        } finally {
            Harness.deleteTree(dir);
        }
    }

    /** server.pem replaced by one with the same names and key, signed by the same CA, expiring in {@code left}. */
    private static void ageServerCertificate(Path certs, Duration left) throws Exception {
        X509Certificate old = ServerCertificate.read(certs.resolve("server.pem"));
        X509Certificate ca = ServerCertificate.read(certs.resolve("ca.pem"));
        PublicKey key = old.getPublicKey();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                BigInteger.TEN, Date.from(now.minus(Duration.ofDays(3640))), Date.from(now.plus(left)),
                X500Name.getInstance(old.getSubjectX500Principal().getEncoded()), key);
        b.addExtension(Extension.subjectAlternativeName, false,
                GeneralNames.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(old.getExtensionValue("2.5.29.17")).getOctets()));
        X509CertificateHolder aged = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ServerCertificate.privateKey(certs.resolve("ca-key.pem"))));
        CertificateStore.writePem(certs.resolve("server.pem"), aged, false);
        assertTrue(ServerCertificate.read(certs.resolve("server.pem")).getNotAfter().toInstant().isBefore(now.plus(ServerCertificate.RENEW_BEFORE)));
    }
}
