package org.clnrest.http.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import org.clnrest.util.JavaNames;

/** A parser's exception as the answer a client can act on: what is wrong and where, in one line. */
final class ParseErrors {
    private ParseErrors() {}

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|key) '([^']*)'");

    static FormatError of(String format, Exception e) {
        if (e instanceof FormatError a) {
            return a;
        }
        String msg = String.valueOf(e.getMessage());
        Matcher dup = DUPLICATE.matcher(msg);
        if (dup.find()) {
            return FormatError.duplicateKey(dup.group(1));
        }
        if (msg.contains("nesting depth") || msg.contains("Nesting Depth")) {
            return FormatError.badBody(format, "nested deeper than " + ParamsBudget.MAX_DEPTH + " levels");
        }
        if (e instanceof StreamConstraintsException) {
            return FormatError.badBody(format, "a value is too long");
        }
        String first = JavaNames.strip(msg.lines().findFirst().orElse(msg));
        if (first.length() > 200) {
            first = first.substring(0, 200) + "...";
        }
        return FormatError.badBody(format, first);
    }
}
