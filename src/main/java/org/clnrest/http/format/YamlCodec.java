package org.clnrest.http.format;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.vertx.core.buffer.Buffer;

import org.yaml.snakeyaml.LoaderOptions;

/** YAML: bodies read within the {@link ParamsBudget} (no anchors or aliases); results as block YAML ({@code id: 02ab...}). */
final class YamlCodec implements Codec {
    private static final YAMLMapper MAPPER;

    static {
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(20);
        loader.setNestingDepthLimit(ParamsBudget.MAX_DEPTH);
        loader.setCodePointLimit(Integer.MAX_VALUE); // the HTTP body limit already bounds the size
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(loader)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(ParamsBudget.LIMITS).build();
        MAPPER = new YAMLMapper(factory);
    }

    @Override
    public Object parse(Buffer body, String method) {
        try (JsonParser p = MAPPER.getFactory().createParser(body.getBytes())) {
            return ParamsBudget.read(p, "YAML");
        } catch (IOException | RuntimeException e) {
            throw ParseErrors.of("YAML", e);
        }
    }

    @Override
    public Buffer render(Buffer resultJson, String method) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(JsonCodec.tree(resultJson)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
