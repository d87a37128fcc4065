package org.clnrest.http.format;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import org.clnrest.util.Bytes;

/**
 * {@code application/x-www-form-urlencoded} with upstream's bracket syntax, both ways:
 * {@code a=1&b[0]=x&b[1]=y&c[d]=z} is {a:"1", b:["x","y"], c:{d:"z"}}. Values stay strings, as upstream. A
 * form-labelled body that starts with { or [ is JSON: that is what {@code curl -d '{...}'} sends.
 */
final class FormCodec implements Codec {

    @Override
    public Object parse(Buffer body, String method) {
        int first = Bytes.firstNonBlank(body);
        if (first == '{' || first == '[') {
            return Format.JSON.params(body, method);
        }
        String text = strictUtf8(body);
        Map<String, Object> root = new LinkedHashMap<>();
        int values = 0;
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            List<String> path = keyPath(key);
            values += path.size();
            ParamsBudget.count(values, "form");
            insert(root, path, value, key);
        }
        return new JsonObject(arrays(root));
    }

    /**
     * {@code name[a][b]} as [name, a, b], read by hand: a regular expression would recurse once per bracket pair,
     * and a key 1,500 brackets deep would overflow the stack. Deeper than the budget is refused as soon as seen.
     */
    static List<String> keyPath(String key) {
        int open = key.indexOf('[');
        String name = open < 0 ? key : key.substring(0, open);
        if (name.isEmpty() || name.indexOf(']') >= 0) {
            throw malformed(key);
        }
        List<String> path = new ArrayList<>();
        path.add(name);
        int at = open;
        while (at >= 0 && at < key.length()) {
            if (key.charAt(at) != '[') {
                throw malformed(key);
            }
            int close = key.indexOf(']', at + 1);
            if (close < 0 || key.lastIndexOf('[', close) != at) {
                throw malformed(key);
            }
            path.add(key.substring(at + 1, close));
            if (path.size() > ParamsBudget.MAX_DEPTH) {
                throw FormatError.badBody("form", "nested deeper than " + ParamsBudget.MAX_DEPTH + " levels");
            }
            at = close + 1;
        }
        return path;
    }

    private static FormatError malformed(String key) {
        return FormatError.badBody("form", "malformed key '" + (key.length() > 100 ? key.substring(0, 100) + "..." : key) + "'");
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> node, List<String> path, String value, String fullKey) {
        for (int i = 0; i < path.size() - 1; i++) {
            Object child = node.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
            if (!(child instanceof Map)) {
                throw FormatError.duplicateKey(fullKey);
            }
            node = (Map<String, Object>) child;
        }
        String last = path.get(path.size() - 1);
        if (last.isEmpty()) {
            last = Integer.toString(node.size()); // key[]=a&key[]=b appends
        }
        if (node.containsKey(last)) {
            throw FormatError.duplicateKey(fullKey);
        }
        node.put(last, value);
    }

    /** Maps whose keys are exactly 0..n-1 become arrays (depth is bounded by the budget). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> arrays(Map<String, Object> map) {
        map.replaceAll((k, v) -> v instanceof Map ? toArrayIfIndexed(arrays((Map<String, Object>) v)) : v);
        return map;
    }

    private static Object toArrayIfIndexed(Map<String, Object> map) {
        if (map.isEmpty()) {
            return map;
        }
        Object[] items = new Object[map.size()];
        for (Map.Entry<String, Object> e : map.entrySet()) {
            int idx;
            try {
                idx = Integer.parseInt(e.getKey());
            } catch (NumberFormatException notIndex) {
                return map;
            }
            if (idx < 0 || idx >= items.length || items[idx] != null) {
                return map;
            }
            items[idx] = e.getValue();
        }
        return new ArrayList<>(List.of(items));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw FormatError.badBody("form", "bad percent-encoding in '" + s + "'");
        }
    }

    private static String strictUtf8(Buffer body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw FormatError.badBody("form", "the body is not valid UTF-8");
        }
    }

    /** {@code datastore[0][key][0]=project&...}: the bracket syntax of the request side, in reverse. */
    @Override
    public Buffer render(Buffer resultJson, String method) {
        JsonNode tree = JsonCodec.tree(resultJson);
        StringBuilder sb = new StringBuilder();
        if (tree.isObject()) {
            tree.fields().forEachRemaining(e -> flatten(sb, e.getKey(), e.getValue()));
        } else {
            flatten(sb, "result", tree);
        }
        return Buffer.buffer(sb.toString());
    }

    private static void flatten(StringBuilder sb, String prefix, JsonNode node) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(sb, prefix + "[" + e.getKey() + "]", e.getValue()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(sb, prefix + "[" + i + "]", node.get(i));
            }
        } else {
            if (sb.length() > 0) {
                sb.append('&');
            }
            String value = node.isNull() ? "" : node.isBigDecimal() ? ((BigDecimal) node.numberValue()).toPlainString() : node.asText();
            sb.append(URLEncoder.encode(prefix, StandardCharsets.UTF_8).replace("%5B", "[").replace("%5D", "]"))
                    .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
