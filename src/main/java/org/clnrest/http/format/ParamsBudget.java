package org.clnrest.http.format;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;


/**
 * What a request's params may cost, whatever their format, before anyone has checked the caller's rune: the
 * tree is built here, token by token, and refused as soon as it goes past a bound. lightningd's params never
 * come close to these; a body of {@code [{},{},...]} within the byte limit would otherwise be millions of
 * maps, and {@code 1e200000} costs nothing to read but makes any arithmetic on it run for minutes.
 */
public final class ParamsBudget {
    private ParamsBudget() {}

    /** Nesting deeper than this is refused. */
    public static final int MAX_DEPTH = 64;
    /** Values (scalars, objects and arrays alike) in one request's params. */
    public static final int MAX_VALUES = 100_000;
    /** Digits of one number, and the largest decimal exponent, either way. */
    public static final int MAX_NUMBER = 1000;

    /** The parser-level bounds, for every Jackson factory that reads request bodies. */
    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER).maxStringLength(Integer.MAX_VALUE / 2).build();

    /** The document {@code p} reads, as params: a JsonObject, a JsonArray, or null (a {@code null} document). */
    static Object read(JsonParser p, String format) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return null;
        }
        Object root = new Reader(p, format).value(first, 0);
        if (p.nextToken() != null) {
            throw FormatError.badBody(format, "more than one value");
        }
        if (root == null) {
            return null;
        }
        if (root instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) m;
            return new JsonObject(map);
        }
        if (root instanceof List<?> l) {
            @SuppressWarnings("unchecked") List<Object> list = (List<Object>) l;
            return new JsonArray(list);
        }
        throw FormatError.badBody(format, "the body must be an object (params by name) or an array (params by position)");
    }

    /** How many values {@code params} holds (objects and arrays count as one each, with what they hold). */
    public static int values(Object params) {
        if (params instanceof JsonObject o) {
            return values(o.getMap());
        }
        if (params instanceof JsonArray a) {
            return values(a.getList());
        }
        int n = 1;
        if (params instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                n += values(v);
            }
        } else if (params instanceof List<?> l) {
            for (Object v : l) {
                n += values(v);
            }
        }
        return n;
    }

    /** Counts one more value against the budget. */
    static void count(int values, String format) {
        if (values > MAX_VALUES) {
            throw FormatError.tooManyValues(format, MAX_VALUES);
        }
    }

    private static final class Reader {
        private final JsonParser p;
        private final String format;
        private int values;

        Reader(JsonParser p, String format) {
            this.p = p;
            this.format = format;
        }

        Object value(JsonToken t, int depth) throws IOException {
            count(++values, format);
            if (p instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
                // Jackson would pass an alias on as its name; anchors have no place in RPC params (and no
                // "billion laughs" document gets past this).
                throw FormatError.badBody(format, "anchors and aliases are not supported");
            }
            return switch (t) {
                case START_OBJECT -> object(depth);
                case START_ARRAY -> array(depth);
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getNumberValue();
                case VALUE_NUMBER_FLOAT -> decimal(p.getDecimalValue());
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> throw FormatError.badBody(format, "unsupported value");
            };
        }

        private Map<String, Object> object(int depth) throws IOException {
            nest(depth);
            Map<String, Object> m = new LinkedHashMap<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                m.put(key, value(p.nextToken(), depth + 1));
            }
            return m;
        }

        private List<Object> array(int depth) throws IOException {
            nest(depth);
            List<Object> l = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                l.add(value(t, depth + 1));
            }
            return l;
        }

        private void nest(int depth) {
            if (depth >= MAX_DEPTH) {
                throw FormatError.badBody(format, "nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        private BigDecimal decimal(BigDecimal d) {
            if (Math.abs((long) d.scale()) > MAX_NUMBER) {
                throw FormatError.badBody(format, "number out of range: exponents are limited to " + MAX_NUMBER);
            }
            return d;
        }
    }
}
