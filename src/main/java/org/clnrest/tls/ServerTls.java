package org.clnrest.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The HTTPS server's TLS: its key and certificate chain ({@code server-key.pem}, {@code server.pem}) as a key
 * manager of their own, and the TLS engine: BoringSSL (netty-tcnative, native code) where it loads, the JDK's
 * otherwise. Both for the cold start: handshakes and record encryption in native code cost the same from the
 * first request on, while the JDK's run interpreted until the JIT has compiled them; and the key is never put
 * in a PKCS#12 key store, whose 10,000 PBKDF2 rounds per entry Vert.x's PEM options pay at start-up.
 */
public final class ServerTls {
    private ServerTls() {}

    /** Load BoringSSL now, on a thread of its own (a few hundred milliseconds), while the plugin starts. */
    public static void preload() {
        Thread t = new Thread(ServerTls::nativeTls, "tls-preload");
        t.setDaemon(true);
        t.start();
    }

    /** Whether TLS runs in BoringSSL (else the JDK's). {@code CLNREST_TLS_ENGINE=jdk} chooses the JDK's. */
    public static boolean nativeTls() {
        if (org.clnrest.plugin.Env.jdkTls()) {
            return false;
        }
        try {
            return OpenSSLEngineOptions.isAvailable();
        } catch (Throwable unavailable) { // a platform without a build of it, or a JVM refusing native code
            return false;
        }
    }

    public static SSLEngineOptions engine() {
        return nativeTls() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** The server's key and chain from the PEM files in {@code dir}. */
    public static KeyCertOptions keyCert(Path dir) throws IOException, GeneralSecurityException {
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(dir.resolve("server.pem"))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            chain = certs.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
        }
        if (chain.length == 0) {
            throw new GeneralSecurityException("no certificate in " + dir.resolve("server.pem"));
        }
        PrivateKey key = privateKey(Files.readString(dir.resolve("server-key.pem"), StandardCharsets.US_ASCII),
                chain[0].getPublicKey().getAlgorithm());
        return KeyCertOptions.wrap(new OneKey(key, chain));
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}, what {@link CertificateStore} writes). */
    static PrivateKey privateKey(String pem, String algorithm) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            throw new GeneralSecurityException("server-key.pem holds no PKCS#8 private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** One key and its chain, offered for every key type of the key's algorithm ("EC", "EC_EC", ...). */
    static final class OneKey extends X509ExtendedKeyManager {
        static final String ALIAS = "server";
        private final PrivateKey key;
        private final X509Certificate[] chain;
        private final String algorithm;

        OneKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
            this.algorithm = key.getAlgorithm();
        }

        private String aliasFor(String keyType) {
            return keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_") ? ALIAS : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return aliasFor(keyType) == null ? null : new String[]{ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
