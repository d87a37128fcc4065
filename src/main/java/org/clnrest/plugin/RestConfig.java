package org.clnrest.plugin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The running configuration: every option's validated value ({@link #get}, by its {@link Options} constant)
 * and what init's {@code configuration} told of the node. Verticles receive it as JSON ({@link #toJson}).
 */
public final class RestConfig {
    private final Map<Option<?>, Object> values;
    private final Path lightningDir;
    private final Path rpcFile;

    RestConfig(Map<Option<?>, Object> values, JsonObject configuration) {
        this.values = Map.copyOf(withoutNulls(values));
        this.lightningDir = Path.of(configuration.getString("lightning-dir", ".")).toAbsolutePath().normalize();
        this.rpcFile = lightningDir.resolve(configuration.getString("rpc-file", "lightning-rpc")).normalize();
    }

    private static Map<Option<?>, Object> withoutNulls(Map<Option<?>, Object> values) {
        Map<Option<?>, Object> m = new LinkedHashMap<>(values);
        m.values().removeIf(v -> v == null);
        return m;
    }

    /** The option's value (its default when it was not set; null for an unset option without default). */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        return (T) values.get(option);
    }

    public boolean https() {
        return "https".equals(get(Options.PROTOCOL));
    }

    public int port() {
        return get(Options.PORT).intValue();
    }

    /** The URL operators see in the log line {@code REST server running at <url>}. */
    public String url() {
        String h = get(Options.HOST);
        return get(Options.PROTOCOL) + "://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    public Path rpcFile() {
        return rpcFile;
    }

    /** clnrest-certs (relative to the lightning-dir), else the directory of rpc-file, where cln-grpc keeps its own. */
    public Path certsDir() {
        String certs = get(Options.CERTS);
        return certs == null ? rpcFile.getParent() : lightningDir.resolve(certs).normalize();
    }

    /**
     * The names the server certificate must carry beyond its usual ones: clnrest-server-names, and
     * clnrest-connect-host (a client given a connection URI verifies the server by that name). Empty: none asked.
     */
    public List<String> extraServerNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(get(Options.SERVER_NAMES));
        if (get(Options.CONNECT_HOST) != null) {
            names.add(get(Options.CONNECT_HOST));
        }
        return List.copyOf(names);
    }

    /** clnrest-connect-host, else clnrest-host (null when that is a wildcard address no client can dial). */
    public String connectHost() {
        String h = get(Options.CONNECT_HOST);
        if (h != null) {
            return h;
        }
        h = get(Options.HOST);
        return h.equals("0.0.0.0") || h.equals("::") ? null : h;
    }

    public int connectPort() {
        Long p = get(Options.CONNECT_PORT);
        return p == null ? port() : p.intValue();
    }

    /** {host, port} of the metrics server when clnrest-metrics-port is set, else null. */
    public JsonObject metrics() {
        Long p = get(Options.METRICS_PORT);
        return p == null ? null : new JsonObject().put("host", get(Options.METRICS_HOST)).put("port", p.intValue());
    }

    Path clusterConfigFile() {
        String file = get(Options.CLUSTER_CONFIG);
        return file == null ? null : lightningDir.resolve(file).normalize();
    }

    /** The cluster is on with TLS on its bus. */
    public boolean clusterTls() {
        return get(Options.CLUSTER) != null && get(Options.CLUSTER_TLS);
    }

    /** clnrest-cluster-certs (relative to the lightning-dir), else {@link #certsDir}: the fleet's CA and this member's certificate. */
    public Path clusterCertsDir() {
        String dir = get(Options.CLUSTER_CERTS);
        return dir == null ? certsDir() : lightningDir.resolve(dir).normalize();
    }

    /**
     * {host, port, members, config, tls, ca, cert, key, rest_url} for the cluster verticle when clnrest-cluster
     * is set, else null. The member presents client.pem (cln-grpc's clients' certificate) and trusts ca.pem.
     */
    public JsonObject cluster() {
        if (get(Options.CLUSTER) == null) {
            return null;
        }
        Path file = clusterConfigFile();
        Path certs = clusterCertsDir();
        String host = connectHost();
        String restUrl = host == null ? url() : get(Options.PROTOCOL) + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connectPort();
        return new JsonObject().put("host", get(Options.CLUSTER)).put("port", get(Options.CLUSTER_PORT).intValue())
                .put("members", new JsonArray(List.copyOf(get(Options.CLUSTER_MEMBERS))))
                .put("config", file == null ? null : file.toString())
                .put("tls", get(Options.CLUSTER_TLS)).put("ca", certs.resolve("ca.pem").toString())
                .put("cert", certs.resolve("client.pem").toString()).put("key", certs.resolve("client-key.pem").toString())
                .put("rest_url", restUrl);
    }

    public JsonObject toJson() {
        JsonObject options = new JsonObject();
        values.forEach((o, v) -> {
            if (!v.equals(o.dflt)) { // as init gave them: an unset option stays absent
                options.put(o.name, v instanceof List<?> l ? new JsonArray(List.copyOf(l)) : v);
            }
        });
        return new JsonObject().put("options", options)
                .put("configuration", new JsonObject().put("lightning-dir", lightningDir.toString()).put("rpc-file", rpcFile.toString()));
    }

    /** The configuration {@link #toJson} wrote (its values were validated then, and are again, at no cost). */
    public static RestConfig fromJson(JsonObject json) {
        Options.Result r = Options.validate(json.getJsonObject("options"), json.getJsonObject("configuration"));
        if (r.disableReason() != null) {
            throw new IllegalArgumentException(r.disableReason());
        }
        return r.config();
    }
}
