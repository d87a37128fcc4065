package org.clnrest.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One plugin option, declared once (as cln-plugin's {@code ConfigOption} constants are): its manifest entry
 * (name, lightningd type, multi, description), its v23.08 alias, its default, and how init's value becomes a
 * typed value or the exact text the plugin disables itself with. {@link Options} lists them.
 *
 * @param <T> {@code Long} for {@code int} options, {@code String}, {@code Boolean}, {@code List<String>} for multi
 */
public final class Option<T> {
    /** A value init gave that the option refuses; the message is the disable reason lightningd logs. */
    public static final class Invalid extends RuntimeException {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    public final String name;
    public final String alias;
    /** lightningd's option type: {@code int}, {@code string} or {@code bool}. */
    final String type;
    final boolean multi;
    final T dflt;
    final String description;
    private final Function<Object, T> parse;
    /** The disable reason when the option is absent, for a required option; else null. */
    private final String missing;
    /** Every disable reason it can give, {@code %s} standing for the value (README.md's table lists them all). */
    final List<String> reasons;

    private Option(String name, String alias, String type, boolean multi, T dflt, String description,
                   Function<Object, T> parse, String missing, List<String> reasons) {
        this.name = name;
        this.alias = alias;
        this.type = type;
        this.multi = multi;
        this.dflt = dflt;
        this.description = description;
        this.parse = parse;
        this.missing = missing;
        this.reasons = List.copyOf(reasons);
    }

    private static List<String> plus(List<String> reasons, String reason) {
        List<String> out = new ArrayList<>(reasons);
        out.add(reason);
        return out;
    }

    // ---- declarations --------------------------------------------------------------------------------

    /** An {@code int} option within [min, max]; else "`name` value, {should}". */
    static Option<Long> whole(String name, Long dflt, long min, long max, String should, String description) {
        String reason = "`" + name + "` %s, " + should;
        return new Option<>(name, null, "int", false, dflt, description, raw -> {
            Long v = asLong(raw);
            if (v == null || v < min || v > max) {
                throw new Invalid(reason.replace("%s", String.valueOf(raw)));
            }
            return v;
        }, null, List.of(reason));
    }

    static Option<String> string(String name, String dflt, String description) {
        return new Option<>(name, null, "string", false, dflt, description, Option::lastString, null, List.of());
    }

    static Option<Boolean> bool(String name, boolean dflt, String description) {
        String reason = "`" + name + "` should be true or false.";
        return new Option<>(name, null, "bool", false, dflt, description, raw -> {
            if (raw instanceof Boolean b) {
                return b;
            }
            String s = lastString(raw);
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(s);
            }
            throw new Invalid(reason);
        }, null, List.of(reason));
    }

    /** A {@code multi} option: init gives an array (one entry per occurrence); entries are trimmed. */
    static Option<List<String>> strings(String name, List<String> dflt, String description) {
        return new Option<>(name, null, "string", true, dflt, description, raw -> {
            List<String> out = new ArrayList<>();
            if (raw instanceof List<?> l) {
                l.forEach(x -> out.add(String.valueOf(x).trim()));
            } else if (raw instanceof JsonArray a) {
                a.forEach(x -> out.add(String.valueOf(x).trim()));
            } else {
                out.add(String.valueOf(raw).trim());
            }
            return List.copyOf(out);
        }, null, List.of());
    }

    /** The same option, also accepted under its v23.08 name (the clnrest-* spelling wins when both are set). */
    Option<T> alias(String legacy) {
        return new Option<>(name, legacy, type, multi, dflt, description, parse, missing, reasons);
    }

    /** Absent → the plugin disables itself with {@code reason}. */
    Option<T> required(String reason) {
        return new Option<>(name, alias, type, multi, dflt, description, parse, reason, plus(reasons, reason));
    }

    /** A further rule: a value it refuses disables the plugin with {@code reason} ({@code %s}: the value). */
    Option<T> check(Predicate<T> ok, String reason) {
        Function<Object, T> first = parse;
        return new Option<>(name, alias, type, multi, dflt, description, raw -> {
            T v = first.apply(raw);
            if (!ok.test(v)) {
                throw new Invalid(reason.replace("%s", String.valueOf(v)));
            }
            return v;
        }, missing, plus(reasons, reason));
    }

    /** For multi options: a rule for each entry ({@code %s}: the first entry it refuses). */
    @SuppressWarnings("unchecked")
    Option<T> checkEach(Predicate<String> ok, String reason) {
        Function<Object, T> first = parse;
        return new Option<>(name, alias, type, multi, dflt, description, raw -> {
            T v = first.apply(raw);
            for (String s : (List<String>) v) {
                if (!ok.test(s)) {
                    throw new Invalid(reason.replace("%s", s));
                }
            }
            return v;
        }, missing, plus(reasons, reason));
    }

    // ---- use -----------------------------------------------------------------------------------------

    /** The value given in init (by name, else by alias), or null when neither is set. */
    Object given(JsonObject options) {
        Object v = options.getValue(name);
        return v != null || alias == null ? v : options.getValue(alias);
    }

    /** The typed value from init's options: parsed and checked, or the default; throws {@link Invalid}. */
    T from(JsonObject options) {
        Object raw = given(options);
        if (raw == null) {
            if (missing != null) {
                throw new Invalid(missing);
            }
            return dflt;
        }
        return parse.apply(raw);
    }

    /** The manifest entries: the option, and its alias when declared. No default: an unset option stays absent. */
    void manifest(JsonArray out, boolean withAlias) {
        out.add(entry(name, description));
        if (withAlias && alias != null) {
            out.add(entry(alias, "Alias of " + name + " (CLNRest v23.08 name)"));
        }
    }

    private JsonObject entry(String n, String desc) {
        JsonObject o = new JsonObject().put("name", n).put("type", type).put("description", desc);
        return multi ? o.put("multi", true) : o;
    }

    private static String lastString(Object raw) {
        if (raw instanceof List<?> l) {
            return l.isEmpty() ? "" : String.valueOf(l.get(l.size() - 1));
        }
        if (raw instanceof JsonArray a) {
            return a.isEmpty() ? "" : String.valueOf(a.getValue(a.size() - 1));
        }
        return String.valueOf(raw);
    }

    private static Long asLong(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) ? n.longValue() : null;
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
