package org.clnrest.bus;

import io.vertx.core.json.JsonObject;

/**
 * One RPC method this plugin adds to lightningd, declared once beside its handler (as upstream's
 * {@code RpcMethodBuilder} and {@code plugin.method} declare each with its usage and description): the manifest
 * lists it, the bridge forwards its calls to {@link #address()}, and the handler's verticle consumes that address.
 */
public record RpcMethod(String name, String usage, String description) {

    /** Where calls of it arrive: {@link Bus#pluginRpcMethod}. */
    public String address() {
        return Bus.pluginRpcMethod(name);
    }

    /** Its entry in the manifest's {@code rpcmethods}. */
    public JsonObject manifest() {
        return new JsonObject().put("name", name).put("usage", usage).put("description", description);
    }
}
