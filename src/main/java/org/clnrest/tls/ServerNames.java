package org.clnrest.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The names the server (and client) certificate carries as subject alternative names: always {@code cln},
 * {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the clnrest-host IP, then the extra names the
 * operator asked for (clnrest-server-names, clnrest-connect-host). Names are compared in one spelling:
 * DNS names in lower case, IPs as {@code InetAddress} prints them.
 */
public final class ServerNames {
    private ServerNames() {}

    /** The names, in order, without duplicates (each IP literal parsed, never resolved). */
    public static Set<String> of(String host, List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        names.add("cln");
        names.add("localhost");
        names.add(canonical("127.0.0.1"));
        names.add(canonical("::1"));
        if (host != null) {
            names.add(canonical(host));
        }
        extra.forEach(n -> names.add(canonical(n)));
        return names;
    }

    /** What {@link CertificateStore} writes into a certificate. */
    public static List<GeneralName> generalNames(Set<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String n : names) {
            out.add(isIp(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        return out;
    }

    /** The DNS and IP subject alternative names of a certificate, in the same spelling. */
    static Set<String> in(X509Certificate cert) throws CertificateParsingException {
        Set<String> names = new LinkedHashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                int type = (Integer) san.get(0);
                if (type == 2 || type == 7) { // dNSName, iPAddress
                    names.add(canonical(String.valueOf(san.get(1))));
                }
            }
        }
        return names;
    }

    static String canonical(String name) {
        if (isIp(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (UnknownHostException e) {
                return name;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** An IP literal ("localhost" and names are not). Options has checked the spelling: a literal is never looked up. */
    static boolean isIp(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }
}
