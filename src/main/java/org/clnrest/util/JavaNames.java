package org.clnrest.util;

import java.util.regex.Pattern;

/**
 * Takes Java's own vocabulary out of a message meant for people (an error body, lightningd's log): class names
 * such as {@code java.io.CharConversionException: } or {@code org.yaml.snakeyaml.events.ScalarEvent(...)}, and
 * library settings. What is wrong, and where, stays.
 */
public final class JavaNames {
    private JavaNames() {}

    private static final Pattern CLASS_PREFIX = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");
    private static final Pattern YAML_EVENT = Pattern.compile("<org\\.yaml\\.snakeyaml\\.events\\.([A-Za-z]+?)Event\\([^)]*\\)>");
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:java|javax|com|org|io|sun|jdk)\\.(?:[a-z0-9_]+\\.)*([A-Z][A-Za-z0-9_$]*)");
    private static final Pattern BARE_THROWABLE = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b:? ?");

    public static String strip(String message) {
        if (message == null) {
            return null;
        }
        String m = CLASS_PREFIX.matcher(message).replaceAll("");
        m = YAML_EVENT.matcher(m).replaceAll("a YAML $1");
        m = m.replaceAll(" ?\\(bound as `[^`]*`\\)", "").replaceAll(":? ?not allowed as per `[^`]*`", "");
        m = QUALIFIED.matcher(m).replaceAll("$1");
        return BARE_THROWABLE.matcher(m).replaceAll("");
    }
}
