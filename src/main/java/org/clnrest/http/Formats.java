package org.clnrest.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.clnrest.util.Bytes;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Content negotiation: request bodies in JSON, YAML, XML and form encoding become the method's params
 * (object = by name, array = by position); results are written back in the format the client accepts.
 * Integers stay exact in every format (msat amounts exceed 2^53); decimals are read as BigDecimal.
 */
public final class Formats {
    private Formats() {}

    public enum Format {
        JSON("application/json"), YAML("application/yaml"), XML("application/xml"), FORM("application/x-www-form-urlencoded");

        public final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    /** Nesting deeper than this is refused: lightningd's params never come close. */
    static final int MAX_DEPTH = 64;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH).maxStringLength(Integer.MAX_VALUE / 2).maxNumberLength(1000).build();

    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
    private static final ObjectMapper YAML;
    private static final XmlMapper XML;
    private static final XMLInputFactory STAX;

    static {
        JSON.getFactory().setStreamReadConstraints(LIMITS);

        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(20); // no billion laughs through YAML anchors
        loader.setNestingDepthLimit(MAX_DEPTH);
        loader.setCodePointLimit(Integer.MAX_VALUE); // the HTTP body limit already bounds the size
        YAMLFactory yamlFactory = YAMLFactory.builder().loaderOptions(loader)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .streamReadConstraints(LIMITS).build();
        YAML = configure(new YAMLMapper(yamlFactory));

        // No DTDs at all: no external entities, no entity expansion (billion laughs), no network or file access.
        STAX = XMLInputFactory.newFactory();
        STAX.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        STAX.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        STAX.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        XmlFactory xmlFactory = XmlFactory.builder().xmlInputFactory(STAX).streamReadConstraints(LIMITS).build();
        XML = (XmlMapper) configure(new XmlMapper(xmlFactory));
    }

    private static <M extends ObjectMapper> M configure(M m) {
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return m;
    }

    // ---- request bodies ----------------------------------------------------------------------------------

    /** The body's format from its Content-Type; JSON when absent or {@code *}/{@code *}. */
    public static Format contentType(String header) {
        if (header == null || header.isBlank()) {
            return Format.JSON;
        }
        Format f = byMediaType(mediaType(header), true);
        if (f == null) {
            throw ApiError.unsupportedContentType(header);
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
            Format f = byMediaType(pieces[0].trim().toLowerCase(Locale.ROOT), true);
            if (f != null && q > 0 && q > bestQ) {
                best = f;
                bestQ = q;
            }
        }
        if (best == null) {
            throw ApiError.unsupportedAccept(header);
        }
        return best;
    }

    private static String mediaType(String header) {
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static Format byMediaType(String type, boolean wildcardIsJson) {
        switch (type) {
            case "application/json", "text/json" -> { return Format.JSON; }
            case "*/*", "application/*" -> { return wildcardIsJson ? Format.JSON : null; }
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> { return Format.YAML; }
            case "application/xml", "text/xml" -> { return Format.XML; }
            case "application/x-www-form-urlencoded" -> { return Format.FORM; }
            default -> {
                return type.endsWith("+json") ? Format.JSON : null;
            }
        }
    }

    /**
     * The params of a call from its body: a JsonObject (by name), a JsonArray (by position) or null (none).
     * Top-level null values are dropped, as upstream does. {@code method} is the XML root element's name.
     */
    public static Object params(Format format, Buffer body, String method) {
        if (body == null || Bytes.isBlank(body)) {
            return null;
        }
        Object params = switch (format) {
            case JSON -> tree(JSON, body, "JSON");
            case YAML -> {
                refuseYamlAliases(body);
                yield tree(YAML, body, "YAML");
            }
            case XML -> xml(body, method);
            // `curl -d '{...}'` labels JSON as a form: a form body cannot start with { or [, so read it as JSON.
            case FORM -> looksLikeJson(body) ? tree(JSON, body, "JSON") : form(body);
        };
        if (params instanceof JsonObject o) {
            o.getMap().values().removeIf(v -> v == null);
        }
        return params;
    }

    private static Object tree(ObjectMapper mapper, Buffer body, String format) {
        Object value;
        try {
            value = mapper.readValue(body.getBytes(), Object.class);
        } catch (IOException e) {
            throw parseFailure(format, e);
        }
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) map;
            return new JsonObject(m);
        }
        if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked") List<Object> l = (List<Object>) list;
            return new JsonArray(l);
        }
        throw ApiError.badBody(format, "the body must be an object (params by name) or an array (params by position)");
    }

    /**
     * Anchors and aliases have no place in RPC params, and Jackson does not expand them (it would pass the alias
     * name on as a string): refuse them, which also settles any "billion laughs" document.
     */
    private static void refuseYamlAliases(Buffer body) {
        try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p =
                     (com.fasterxml.jackson.dataformat.yaml.YAMLParser) YAML.getFactory().createParser(body.getBytes())) {
            while (p.nextToken() != null) {
                if (p.isCurrentAlias() || p.getObjectId() != null) {
                    throw ApiError.badBody("YAML", "anchors and aliases are not supported");
                }
            }
        } catch (IOException e) {
            throw parseFailure("YAML", e);
        }
    }

    /** "java.io.CharConversionException: " and the like: internals, not something a client can act on. */
    private static final Pattern JAVA_CLASS_PREFIX = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");

    private static final Pattern YAML_EVENT = Pattern.compile("<org\\.yaml\\.snakeyaml\\.events\\.([A-Za-z]+?)Event\\([^)]*\\)>");
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:java|javax|com|org|io)\\.(?:[a-z0-9_]+\\.)*([A-Z][A-Za-z0-9_$]*)");

    /** A parser's message without Java class names or library settings: what is wrong, and where. */
    static String withoutInternals(String message) {
        String m = JAVA_CLASS_PREFIX.matcher(message).replaceAll("");
        m = YAML_EVENT.matcher(m).replaceAll("a YAML $1");
        m = m.replaceAll(" ?\\(bound as `[^`]*`\\)", "").replaceAll(":? ?not allowed as per `[^`]*`", "");
        return QUALIFIED.matcher(m).replaceAll("$1");
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|key) '([^']*)'");

    private static ApiError parseFailure(String format, Exception e) {
        String msg = String.valueOf(e.getMessage());
        Matcher dup = DUPLICATE.matcher(msg);
        if (dup.find()) {
            return ApiError.duplicateKey(dup.group(1));
        }
        if (e instanceof StreamConstraintsException || msg.contains("nesting depth") || msg.contains("Nesting Depth")) {
            return ApiError.badBody(format, "nested deeper than " + MAX_DEPTH + " levels");
        }
        // One line, no parser internals beyond the location: enough to fix the body.
        String first = withoutInternals(msg.lines().findFirst().orElse(msg));
        if (first.length() > 200) {
            first = first.substring(0, 200) + "...";
        }
        return ApiError.badBody(format, first);
    }

    private static Object xml(Buffer body, String method) {
        byte[] bytes = body.getBytes();
        String root;
        try {
            XMLStreamReader r = STAX.createXMLStreamReader(new ByteArrayInputStream(bytes));
            try {
                r.nextTag();
                root = r.getLocalName();
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw parseFailure("XML", e);
        }
        if (!root.equals(method)) {
            throw ApiError.badBody("XML", "the root element must be the method's name <" + method + ">, not <" + root + ">");
        }
        JsonNode tree;
        try {
            tree = XML.readTree(bytes);
        } catch (IOException e) {
            throw parseFailure("XML", e);
        }
        if (tree == null || (tree.isTextual() && tree.asText().isBlank()) || tree.isMissingNode()) {
            return null;
        }
        if (!tree.isObject()) {
            throw ApiError.badBody("XML", "the root element must hold one element per parameter");
        }
        ObjectNode obj = (ObjectNode) tree;
        // Whitespace between elements is not a parameter.
        obj.remove("");
        return obj.isEmpty() ? null : new JsonObject(JSON.convertValue(obj, Map.class));
    }

    // ---- form encoding ------------------------------------------------------------------------------------

    private static final Pattern KEY = Pattern.compile("([^\\[\\]]+)((?:\\[[^\\[\\]]*\\])*)");
    private static final Pattern SEGMENT = Pattern.compile("\\[([^\\[\\]]*)\\]");

    /** {@code a=1&b[0]=x&b[1]=y&c[d]=z} → {a:"1", b:["x","y"], c:{d:"z"}}. Values stay strings, as upstream. */
    static Object form(Buffer body) {
        String text = strictUtf8(body, "form");
        Map<String, Object> root = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            Matcher km = KEY.matcher(key);
            if (!km.matches()) {
                throw ApiError.badBody("form", "malformed key '" + key + "'");
            }
            List<String> path = new ArrayList<>();
            path.add(km.group(1));
            Matcher sm = SEGMENT.matcher(km.group(2));
            while (sm.find()) {
                path.add(sm.group(1));
            }
            insert(root, path, value, key);
        }
        return new JsonObject(arrays(root));
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> node, List<String> path, String value, String fullKey) {
        for (int i = 0; i < path.size() - 1; i++) {
            String seg = path.get(i);
            Object child = node.get(seg);
            if (child == null) {
                child = new LinkedHashMap<String, Object>();
                node.put(seg, child);
            } else if (!(child instanceof Map)) {
                throw ApiError.duplicateKey(fullKey);
            }
            node = (Map<String, Object>) child;
        }
        String last = path.get(path.size() - 1);
        if (last.isEmpty()) {
            last = Integer.toString(node.size()); // key[]=a&key[]=b appends
        }
        if (node.containsKey(last)) {
            throw ApiError.duplicateKey(fullKey);
        }
        node.put(last, value);
    }

    /** Maps whose keys are exactly 0..n-1 become arrays. */
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
            throw ApiError.badBody("form", "bad percent-encoding in '" + s + "'");
        }
    }

    private static String strictUtf8(Buffer body, String format) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badBody(format, "the body is not valid UTF-8");
        }
    }

    private static boolean looksLikeJson(Buffer b) {
        int c = Bytes.firstNonBlank(b);
        return c == '{' || c == '[';
    }

    // ---- replies ------------------------------------------------------------------------------------------

    /** Render a result (raw JSON bytes from lightningd) in {@code format}; JSON passes through untouched. */
    public static Buffer render(Format format, Buffer resultJson, String method) {
        if (format == Format.JSON) {
            return resultJson;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(resultJson.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("lightningd sent a result that is not JSON", e);
        }
        return switch (format) {
            case YAML -> write(YAML, tree);
            case XML -> xml(tree, method);
            case FORM -> Buffer.buffer(formEncode(tree));
            default -> throw new IllegalStateException();
        };
    }

    private static Buffer write(ObjectMapper m, Object tree) {
        try {
            return Buffer.buffer(m.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Buffer xml(JsonNode tree, String method) {
        try {
            return Buffer.buffer(XML.writer().withRootName(xmlName(method)).writeValueAsBytes(xmlSafe(tree)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Field names that are not XML names (rare: lightningd uses snake_case) get a safe spelling. */
    private static JsonNode xmlSafe(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(xmlName(e.getKey()), xmlSafe(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(n -> out.add(xmlSafe(n)));
            return out;
        }
        return node;
    }

    private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    static String xmlName(String name) {
        if (XML_NAME.matcher(name).matches() && !name.regionMatches(true, 0, "xml", 0, 3)) {
            return name;
        }
        StringBuilder sb = new StringBuilder("_");
        for (char c : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' ? c : '_');
        }
        return sb.toString();
    }

    /** {@code datastore[0][key][0]=project&...}: the bracket syntax of the request side, in reverse. */
    static String formEncode(JsonNode tree) {
        StringBuilder sb = new StringBuilder();
        if (tree.isObject()) {
            tree.fields().forEachRemaining(e -> flatten(sb, e.getKey(), e.getValue()));
        } else {
            flatten(sb, "result", tree);
        }
        return sb.toString();
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
