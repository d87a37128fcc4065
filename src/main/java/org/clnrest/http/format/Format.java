package org.clnrest.http.format;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import org.clnrest.util.Bytes;

/**
 * The four body formats upstream CLNRest speaks, in both directions: a request body becomes the method's
 * params, a result (lightningd's JSON) becomes the reply. Which one a request uses is {@link MediaTypes}'
 * business; each format's parsing and rendering live together in its codec.
 */
public enum Format {
    JSON("application/json", new JsonCodec()),
    YAML("application/yaml", new YamlCodec()),
    XML("application/xml", new XmlCodec()),
    FORM("application/x-www-form-urlencoded", new FormCodec());

    public final String mediaType;
    private final Codec codec;

    Format(String mediaType, Codec codec) {
        this.mediaType = mediaType;
        this.codec = codec;
    }

    /**
     * The params of a call from its body: a JsonObject (by name), a JsonArray (by position) or null (none), within
     * the {@link ParamsBudget}. Top-level null values are dropped, as upstream does. {@code method} is the XML root
     * element's expected name. Refusals are 4xx {@link FormatError}s.
     */
    public Object params(Buffer body, String method) {
        if (body == null || Bytes.isBlank(body)) {
            return null;
        }
        Object params = codec.parse(body, method);
        if (params instanceof JsonObject o) {
            o.getMap().values().removeIf(v -> v == null);
        }
        return params;
    }

    /** A result (raw JSON bytes from lightningd) in this format; JSON passes through untouched. */
    public Buffer render(Buffer resultJson, String method) {
        return codec.render(resultJson, method);
    }

    /** Whether the values of this format carry JSON types (XML and form values are all strings, as upstream). */
    public boolean typed() {
        return this == JSON || this == YAML;
    }
}
