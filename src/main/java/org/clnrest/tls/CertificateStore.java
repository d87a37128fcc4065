package org.clnrest.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The plugin's TLS identity: the six PEM files upstream CLNRest and cln-grpc share ({@code ca.pem},
 * {@code ca-key.pem}, {@code server.pem}, {@code server-key.pem}, {@code client.pem},
 * {@code client-key.pem}). Reused when all exist; otherwise all are generated anew: EC P-256, PKCS#8 keys
 * (mode 0600), a CA {@code cln Root REST CA}, server and client certificates signed by it.
 */
public final class CertificateStore {
    public static final List<String> FILES = List.of(
            "ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    static final long VALIDITY_DAYS = 3650;
    static final X500Name SERVER_SUBJECT = new X500Name("CN=cln rest server");
    static final X500Name CLIENT_SUBJECT = new X500Name("CN=cln rest client");
    /**
     * client.pem serves both TLS ends on the cluster's bus (a member that receives notifications is the TLS
     * server of those connections; docs/cluster.md), as cln-grpc's client.pem does, which has no usage limit.
     */
    static final KeyPurposeId[] CLIENT_PURPOSES = {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth};

    private CertificateStore() {}

    /** What {@link #ensure} did. */
    public enum Outcome { REUSED, GENERATED }

    public static boolean complete(Path dir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /**
     * Make sure the identity exists in {@code dir}. When {@code waitFor} is positive and files are missing,
     * first wait up to that long for another writer (cln-grpc writes the same set in the same place at
     * start-up), so that both plugins end up with one identity. Blocking: run off the event loop.
     */
    public static Outcome ensure(Path dir, List<GeneralName> names, Duration waitFor) throws Exception {
        if (complete(dir)) {
            return Outcome.REUSED;
        }
        Instant deadline = Instant.now().plus(waitFor);
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(100); // polling a directory another process writes: there is no event to await
            if (complete(dir)) {
                return Outcome.REUSED;
            }
        }
        generate(dir, names);
        return Outcome.GENERATED;
    }

    static void generate(Path dir, List<GeneralName> sans) throws Exception {
        Files.createDirectories(dir);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair caKey = gen.generateKeyPair();
        KeyPair serverKey = gen.generateKeyPair();
        KeyPair clientKey = gen.generateKeyPair();

        X500Name caName = new X500Name("CN=cln Root REST CA");
        X509CertificateHolder ca = sign(caName, caName, caKey, caKey, null, true);
        X509CertificateHolder server = sign(caName, SERVER_SUBJECT, caKey, serverKey, sans, false,
                KeyPurposeId.id_kp_serverAuth);
        X509CertificateHolder client = sign(caName, CLIENT_SUBJECT, caKey, clientKey, sans, false, CLIENT_PURPOSES);

        // Keys first, certificates last: a reader that sees all six files sees complete keys.
        writeKey(dir.resolve("ca-key.pem"), caKey);
        writeKey(dir.resolve("server-key.pem"), serverKey);
        writeKey(dir.resolve("client-key.pem"), clientKey);
        writePem(dir.resolve("ca.pem"), ca, false);
        writePem(dir.resolve("server.pem"), server, false);
        writePem(dir.resolve("client.pem"), client, false);
    }

    private static X509CertificateHolder sign(X500Name issuer, X500Name subject, KeyPair issuerKey, KeyPair subjectKey,
                                              List<GeneralName> sans, boolean isCa, KeyPurposeId... purposes) throws Exception {
        return sign(issuer, subject, issuerKey.getPrivate(), issuerKey.getPublic(), subjectKey.getPublic(), sans, isCa, purposes);
    }

    /** A certificate for {@code subjectKey}, signed by {@code issuerKey}: valid from yesterday for 3650 days. */
    static X509CertificateHolder sign(X500Name issuer, X500Name subject, PrivateKey issuerKey, PublicKey issuerPublic,
                                      PublicKey subjectKey, List<GeneralName> sans, boolean isCa, KeyPurposeId... purposes) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(VALIDITY_DAYS))), subject, subjectKey);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublic));
        if (isCa) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        } else {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return b.build(signer);
    }

    private static void writeKey(Path file, KeyPair key) throws IOException {
        writePem(file, new JcaPKCS8Generator(key.getPrivate(), null).generate(), true);
    }

    static void writePem(Path file, Object pemObject, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(pemObject);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret) {
            // Created 0600 from the start: the key is never readable by others, not even for an instant.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
