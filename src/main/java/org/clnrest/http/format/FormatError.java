package org.clnrest.http.format;

/**
 * A body or a header this package cannot use, in the client's words: the format's own refusal. It knows no HTTP
 * status; {@code http.ApiError.of(FormatError)} is where each kind becomes one (the failure mapping).
 */
public final class FormatError extends RuntimeException {
    /** What went wrong, for the mapping to a status. */
    public enum Kind {
        /** The body does not parse in its declared format, or breaks a limit of its shape. */
        BAD_BODY,
        /** A key given twice (in the body, or in the body and the path). */
        DUPLICATE_KEY,
        /** More values than {@link ParamsBudget#MAX_VALUES}: a tree that size is never built. */
        TOO_MANY_VALUES,
        /** A Content-Type no codec reads. */
        UNSUPPORTED_CONTENT_TYPE,
        /** An Accept no codec writes. */
        UNSUPPORTED_ACCEPT
    }

    private final Kind kind;

    private FormatError(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static FormatError badBody(String format, String why) {
        return new FormatError(Kind.BAD_BODY, "Invalid " + format + " body: " + why);
    }

    public static FormatError duplicateKey(String key) {
        return new FormatError(Kind.DUPLICATE_KEY, "Duplicate key: " + key);
    }

    public static FormatError tooManyValues(String format, int max) {
        return new FormatError(Kind.TOO_MANY_VALUES, "Invalid " + format + " body: more than " + max + " values");
    }

    public static FormatError unsupportedContentType(String value) {
        return new FormatError(Kind.UNSUPPORTED_CONTENT_TYPE, "Unsupported content-type header: " + value);
    }

    public static FormatError unsupportedAccept(String value) {
        return new FormatError(Kind.UNSUPPORTED_ACCEPT, "Unsupported accept header: " + value);
    }
}
