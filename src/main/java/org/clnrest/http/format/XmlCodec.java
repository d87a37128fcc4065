package org.clnrest.http.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;


/**
 * XML as upstream: the root element is the method's name, one child element per param, values are strings
 * (lightningd reads numbers from them). No DTD is ever read: no external entities, no entity expansion.
 */
final class XmlCodec implements Codec {
    private static final XMLInputFactory STAX;
    private static final XmlMapper MAPPER;

    static {
        STAX = XMLInputFactory.newFactory();
        STAX.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        STAX.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        STAX.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        MAPPER = new XmlMapper(XmlFactory.builder().xmlInputFactory(STAX).streamReadConstraints(ParamsBudget.LIMITS).build());
        MAPPER.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        MAPPER.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public Object parse(Buffer body, String method) {
        byte[] bytes = body.getBytes();
        String root = rootWithinBudget(bytes);
        if (!root.equals(method)) {
            throw FormatError.badBody("XML", "the root element must be the method's name <" + method + ">, not <" + root + ">");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            throw ParseErrors.of("XML", e);
        }
        if (tree == null || tree.isMissingNode() || tree.isTextual() && tree.asText().isBlank()) {
            return null;
        }
        if (!tree.isObject()) {
            throw FormatError.badBody("XML", "the root element must hold one element per parameter");
        }
        ObjectNode obj = (ObjectNode) tree;
        obj.remove(""); // whitespace between elements is not a parameter
        return obj.isEmpty() ? null : new JsonObject(JsonCodec.RESULTS.convertValue(obj, Map.class));
    }

    /** The root element's name, after one streaming pass that counts elements against the budget. */
    private static String rootWithinBudget(byte[] bytes) {
        try {
            XMLStreamReader r = STAX.createXMLStreamReader(new ByteArrayInputStream(bytes));
            try {
                r.nextTag();
                String root = r.getLocalName();
                int values = 1;
                int depth = 1;
                while (r.hasNext()) {
                    int event = r.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        ParamsBudget.count(++values, "XML");
                        if (++depth > ParamsBudget.MAX_DEPTH) {
                            throw FormatError.badBody("XML", "nested deeper than " + ParamsBudget.MAX_DEPTH + " levels");
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
                return root;
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw ParseErrors.of("XML", e);
        }
    }

    @Override
    public Buffer render(Buffer resultJson, String method) {
        try {
            return Buffer.buffer(MAPPER.writer().withRootName(name(method)).writeValueAsBytes(safe(JsonCodec.tree(resultJson))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Field names that are not XML names (rare: lightningd uses snake_case) get a safe spelling. */
    private static JsonNode safe(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonCodec.RESULTS.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(name(e.getKey()), safe(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonCodec.RESULTS.createArrayNode();
            node.forEach(n -> out.add(safe(n)));
            return out;
        }
        return node;
    }

    private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    static String name(String name) {
        if (XML_NAME.matcher(name).matches() && !name.regionMatches(true, 0, "xml", 0, 3)) {
            return name;
        }
        StringBuilder sb = new StringBuilder("_");
        for (char c : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' ? c : '_');
        }
        return sb.toString();
    }
}
