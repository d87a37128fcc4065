package org.clnrest.demo;

import java.util.function.Consumer;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Splits the RPC socket's byte stream into JSON objects, one after the other with anything between them, as
 * lightningd's jsonrpc.c reads its clients (its own tokenizer: any number, however long, is a valid token). Each
 * object is decoded whole by Jackson (numbers past a long become BigInteger); Vert.x's streaming JsonParser casts a
 * BigInteger to Long and failed the connection on {@code {"a": <1000 digits>}}, which lightningd answers.
 */
final class JsonObjects implements Handler<Buffer> {
    private final Consumer<JsonObject> objects;
    private final Consumer<String> malformed;
    private Buffer pending = Buffer.buffer();
    private int depth;
    private boolean inString;
    private boolean escaped;
    private int start = -1;
    private int scanned;

    JsonObjects(Consumer<JsonObject> objects, Consumer<String> malformed) {
        this.objects = objects;
        this.malformed = malformed;
    }

    @Override
    public void handle(Buffer chunk) {
        pending.appendBuffer(chunk);
        for (; scanned < pending.length(); scanned++) {
            byte b = pending.getByte(scanned);
            if (inString) {
                escaped = !escaped && b == '\\';
                inString = escaped || b != '"';
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                if (depth++ == 0) {
                    start = scanned;
                }
            } else if (b == '}' && depth > 0 && --depth == 0) {
                emit(pending.getBuffer(start, scanned + 1));
                start = -1;
            }
        }
        // Keep only the object not yet complete (nothing when between objects): one copy per chunk at most.
        int keep = start < 0 ? pending.length() : start;
        pending = pending.getBuffer(keep, pending.length());
        scanned -= keep;
        if (start >= 0) {
            start = 0;
        }
    }

    private void emit(Buffer text) {
        JsonObject o;
        try {
            o = new JsonObject(text);
        } catch (RuntimeException e) {
            malformed.accept(e.getMessage());
            return;
        }
        objects.accept(o);
    }
}
