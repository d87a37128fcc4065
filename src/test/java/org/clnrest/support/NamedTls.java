package org.clnrest.support;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The JDK's TLS client reaching the server under a name this machine cannot resolve (a domain, an onion name,
 * another host's IP): the TCP connection goes to 127.0.0.1, while the TLS handshake verifies the server's
 * certificate for {@code name} exactly as {@code HttpClient} does for a URL's host (endpoint identification
 * "HTTPS", SNI for DNS names). Then one HTTP/1.1 request.
 */
public final class NamedTls {
    private NamedTls() {}

    public record Answer(int status, String body) {}

    public static Answer post(SSLContext ctx, String name, int port, String path, String rune) throws Exception {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(tcp, name, port, true)) {
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Character.isDigit(name.charAt(0)) && !name.contains(":")) {
                p.setServerNames(List.of(new SNIHostName(name)));
            }
            tls.setSSLParameters(p);
            tls.setSoTimeout(10_000);
            tls.startHandshake(); // throws SSLHandshakeException when the certificate does not name `name`
            OutputStream out = tls.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + name + "\r\nRune: " + rune
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = tls.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            return new Answer(status, text.substring(text.indexOf("\r\n\r\n") + 4));
        }
    }
}
