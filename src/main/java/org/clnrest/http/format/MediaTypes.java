package org.clnrest.http.format;

import java.util.Locale;


/**
 * Content negotiation: the format of a request body from its {@code Content-Type}, and of the reply from
 * {@code Accept}. Absent headers and wildcards mean JSON, as upstream.
 */
public final class MediaTypes {
    private MediaTypes() {}

    /** The body's format from its Content-Type; JSON when absent or {@code *}/{@code *}. */
    public static Format contentType(String header) {
        if (header == null || header.isBlank()) {
            return Format.JSON;
        }
        int semi = header.indexOf(';');
        Format f = byMediaType((semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT));
        if (f == null) {
            throw FormatError.unsupportedContentType(header);
        }
        return f;
    }

    /** The reply's format from Accept: the acceptable type with the highest q; JSON when absent. */
    public static Format accept(String header) {
        if (header == null || header.isBlank()) {
            return Format.JSON;
        }
        Format best = null;
        double bestQ = -1;
        for (String part : header.split(",")) {
            String[] pieces = part.split(";");
            double q = 1.0;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            Format f = byMediaType(pieces[0].trim().toLowerCase(Locale.ROOT));
            if (f != null && q > 0 && q > bestQ) {
                best = f;
                bestQ = q;
            }
        }
        if (best == null) {
            throw FormatError.unsupportedAccept(header);
        }
        return best;
    }

    private static Format byMediaType(String type) {
        return switch (type) {
            case "application/json", "text/json", "*/*", "application/*" -> Format.JSON;
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> Format.YAML;
            case "application/xml", "text/xml" -> Format.XML;
            case "application/x-www-form-urlencoded" -> Format.FORM;
            default -> type.endsWith("+json") ? Format.JSON : null;
        };
    }
}
