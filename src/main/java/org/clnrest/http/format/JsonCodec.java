package org.clnrest.http.format;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

import org.clnrest.util.VertxInternals;

/** JSON: bodies read within the {@link ParamsBudget}; results passed through byte for byte. */
final class JsonCodec implements Codec {
    static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(ParamsBudget.LIMITS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Reads lightningd's results into trees, for the other formats to render; integers stay exact. */
    static final ObjectMapper RESULTS = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @Override
    public Object parse(Buffer body, String method) {
        try (JsonParser p = parser(body)) {
            return ParamsBudget.read(p, "JSON");
        } catch (IOException | RuntimeException e) {
            throw ParseErrors.of("JSON", e);
        }
    }

    @Override
    public Buffer render(Buffer resultJson, String method) {
        return resultJson;
    }

    /** A parser over the buffer's own bytes, without copying them when it has an array. */
    private static JsonParser parser(Buffer body) throws IOException {
        ByteBuf bb = VertxInternals.byteBuf(body);
        if (bb.hasArray()) {
            return FACTORY.createParser(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
        }
        return FACTORY.createParser(body.getBytes());
    }

    /** lightningd's result as a tree (for YAML, XML and form replies). */
    static JsonNode tree(Buffer resultJson) {
        try {
            return RESULTS.readTree(resultJson.getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("lightningd sent a result that is not JSON", e);
        }
    }
}
