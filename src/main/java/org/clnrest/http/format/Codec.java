package org.clnrest.http.format;

import io.vertx.core.buffer.Buffer;

/** One format, both ways. */
interface Codec {
    /** A non-blank body as params (JsonObject or JsonArray, maybe null); throws 4xx FormatErrors. */
    Object parse(Buffer body, String method);

    /** lightningd's result JSON in this format. */
    Buffer render(Buffer resultJson, String method);
}
