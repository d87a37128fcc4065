package org.clnrest.demo;

import io.vertx.core.json.JsonObject;

/** A node method's failure: lightningd's error object ({@code code}, {@code message}) for the reply. */
final class RpcFailure extends RuntimeException {
    final JsonObject error;

    RpcFailure(int code, String message) {
        super(message, null, false, false);
        this.error = new JsonObject().put("code", code).put("message", message);
    }
}
