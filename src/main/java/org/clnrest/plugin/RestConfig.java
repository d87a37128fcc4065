package org.clnrest.plugin;

import java.nio.file.Path;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The validated configuration of a running plugin: lightningd's options after {@link Options#validate}, plus
 * what init's {@code configuration} told us. Passed to the verticles as JSON ({@link #toJson}).
 */
public record RestConfig(
        int port,
        String protocol,
        String host,
        Path certsDir,
        String csp,
        List<String> corsOrigins,
        String swaggerRoot,
        long bodyLimit,
        long notificationBuffer,
        /** clnrest-notification-buffer-total: all notification clients together. */
        long notificationBufferTotal,
        /** Seconds (clnrest-idle-timeout). */
        int idleTimeout,
        /** clnrest-validate-requests. */
        boolean validateRequests,
        Path rpcFile,
        Path lightningDir,
        boolean legacyWsNamespace,
        /** {host, port, members, config} when clustering is on (clnrest-cluster), else null. */
        JsonObject cluster) {

    public boolean https() {
        return "https".equals(protocol);
    }

    /** The URL operators see in the log line {@code REST server running at <url>}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return protocol + "://" + h + ":" + port;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("port", port).put("protocol", protocol).put("host", host)
                .put("certs", certsDir.toString()).put("csp", csp)
                .put("corsOrigins", new JsonArray(List.copyOf(corsOrigins)))
                .put("swaggerRoot", swaggerRoot).put("bodyLimit", bodyLimit).put("notificationBuffer", notificationBuffer).put("notificationBufferTotal", notificationBufferTotal).put("idleTimeout", idleTimeout).put("validateRequests", validateRequests)
                .put("rpcFile", rpcFile.toString()).put("lightningDir", lightningDir.toString())
                .put("legacyWsNamespace", legacyWsNamespace).put("cluster", cluster);
    }

    public static RestConfig fromJson(JsonObject j) {
        return new RestConfig(j.getInteger("port"), j.getString("protocol"), j.getString("host"),
                Path.of(j.getString("certs")), j.getString("csp"),
                j.getJsonArray("corsOrigins").stream().map(String::valueOf).toList(),
                j.getString("swaggerRoot"), j.getLong("bodyLimit"), j.getLong("notificationBuffer", Options.DEFAULT_NOTIFICATION_BUFFER),
                j.getLong("notificationBufferTotal", Options.DEFAULT_NOTIFICATION_BUFFER_TOTAL),
                j.getInteger("idleTimeout", (int) Options.DEFAULT_IDLE_TIMEOUT), j.getBoolean("validateRequests", true),
                Path.of(j.getString("rpcFile")), Path.of(j.getString("lightningDir")),
                j.getBoolean("legacyWsNamespace", true), j.getJsonObject("cluster"));
    }
}
