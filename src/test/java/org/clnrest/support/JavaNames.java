package org.clnrest.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.regex.Pattern;

/**
 * What must never reach a client or lightningd's log (docs/security.md): a Java class or package name, an
 * exception's or error's class name, a stack frame. One pattern for every suite that checks it.
 */
public final class JavaNames {
    /** A qualified name (java.lang.X, io.netty.x, org.clnrest.x.Y), an {@code …Exception}/{@code …Error}, a "\tat " frame. */
    public static final Pattern PATTERN = Pattern.compile("\\b(?:java|javax|io|org|com)\\.[a-z0-9_]+\\."
            + "|\\b(?:java|javax|io\\.netty|io\\.vertx|com\\.fasterxml)\\.[a-z]"
            + "|Exception\\b|\\b[A-Z][a-z]+[A-Za-z]*Error\\b|\\tat ");

    private JavaNames() {}

    public static boolean in(String text) {
        return PATTERN.matcher(text).find();
    }

    /** Fails naming {@code what} (e.g. "in lightningd's log") and the text, if the text holds a Java name. */
    public static void assertNone(String text, String what) {
        assertFalse(in(text), "a Java class name or stack trace " + what + ": " + text);
    }
}
