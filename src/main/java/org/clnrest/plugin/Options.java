package org.clnrest.plugin;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every option of the plugin, declared once: the manifest, the validation at init and the running
 * configuration ({@link RestConfig#get}) all come from this list. The first seven are upstream CLNRest's, with
 * its exact disable reasons and its v23.08 spellings ({@code rest-*}) as aliases; they are validated in
 * upstream's order, so the first problem is the one reported.
 */
public final class Options {
    private Options() {}

    public static final String DEFAULT_CSP = "default-src 'self'; font-src 'self'; img-src 'self' data:; "
            + "frame-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline';";
    private static final long MIB = 1024 * 1024;

    public static final Option<Long> PORT = Option.whole("clnrest-port", null, 1024, 65535,
                    "should be a valid available port between 1024 and 65535.",
                    "REST server port to listen on (no default: the plugin stays disabled without it)")
            .alias("rest-port").required("`clnrest-port` option is not configured");
    public static final Option<String> PROTOCOL = Option.string("clnrest-protocol", "https",
                    "REST server protocol, http or https (default https)")
            .alias("rest-protocol").check(p -> p.equals("http") || p.equals("https"), "`clnrest-protocol` can either be http or https.");
    public static final Option<String> HOST = Option.string("clnrest-host", "127.0.0.1", "REST server host (default 127.0.0.1)")
            .alias("rest-host").check(Options::validHost, "`clnrest-host` should be a valid IP.");
    public static final Option<String> CERTS = Option.string("clnrest-certs", null,
                    "Directory of the TLS identity ca.pem, server.pem, client.pem and keys (default: the directory of rpc-file)")
            .alias("rest-certs");
    public static final Option<String> CSP = Option.string("clnrest-csp", DEFAULT_CSP,
            "Content-Security-Policy header sent with every response").alias("rest-csp");
    public static final Option<List<String>> CORS_ORIGINS = Option.strings("clnrest-cors-origins", List.of("*"),
                    "Allowed CORS origin (repeatable; exact origins or regular expressions; default *)")
            .alias("rest-cors-origins")
            .check(l -> !l.isEmpty() && l.stream().noneMatch(String::isBlank), "`clnrest-cors-origins` must not be empty!")
            .checkEach(Options::originOrPattern, "`clnrest-cors-origins` %s is not a valid origin or regular expression.");
    public static final Option<String> SWAGGER_ROOT = Option.string("clnrest-swagger-root", "/", "Path of the Swagger UI (default /)")
            .alias("rest-swagger-root").check(r -> r.startsWith("/"), "`clnrest-swagger-root` must start with `/`");

    // ---- this project's additions ------------------------------------------------------------------
    public static final Option<Long> BODY_LIMIT = Option.whole("clnrest-body-limit", 16 * MIB, 1024, Integer.MAX_VALUE,
            "should be a number of bytes, at least 1024.",
            "Largest accepted request body in bytes (default 16777216); larger bodies get 413");
    public static final Option<Long> REQUEST_MEMORY = Option.whole("clnrest-request-memory", 64 * MIB, 1024 * 1024, Integer.MAX_VALUE,
            "should be a number of bytes, at least 1048576.",
            "Bytes that requests not yet answered may hold in all (bodies and their params); past it requests get 503 (default 67108864)");
    public static final Option<Long> BODY_TIMEOUT = Option.whole("clnrest-body-timeout", 60L, 1, 3600,
            "should be a number of seconds between 1 and 3600.",
            "Seconds a request may take to send its body once its head has arrived (default 60); slower ones get 408");
    public static final Option<Long> NOTIFICATION_BUFFER = Option.whole("clnrest-notification-buffer", 16 * MIB, 65536, Integer.MAX_VALUE,
            "should be a number of bytes, at least 65536.",
            "Bytes of notifications kept for a notification client (Socket.IO or WebSocket) that does not read (default 16777216); past it the client is disconnected");
    public static final Option<Long> NOTIFICATION_BUFFER_TOTAL = Option.whole("clnrest-notification-buffer-total", 64 * MIB, 65536, Integer.MAX_VALUE,
            "should be a number of bytes, at least 65536.",
            "Bytes of notifications kept for all notification clients together (default 67108864); past it the clients holding the most are disconnected");
    public static final Option<Long> IDLE_TIMEOUT = Option.whole("clnrest-idle-timeout", 300L, 1, 86_400,
            "should be a number of seconds between 1 and 86400.",
            "Seconds before an idle HTTP connection that made an authorised call is closed (default 300); a new connection, or one that made none, gets at most 10 s");
    public static final Option<Long> MAX_CONNECTIONS = Option.whole("clnrest-max-connections", 4096L, 16, 1_000_000,
            "should be a number of connections between 16 and 1000000.",
            "Connections open at once (default 4096, lowered to fit the open-file limit); at the cap the oldest connection that made no authorised call is closed for a new one");
    public static final Option<Boolean> VALIDATE_REQUESTS = Option.bool("clnrest-validate-requests", false,
            "Check JSON/YAML params of the methods the typed contract knows, after the rune check, before calling lightningd (default false: lightningd judges them, as upstream)");
    public static final Option<String> CLUSTER = Option.string("clnrest-cluster", null,
                    "Join a clustered Vert.x event bus (Hazelcast) bound to this IP; off when unset")
            .check(Options::validHost, "`clnrest-cluster` should be a valid IP to bind the cluster to.");
    public static final Option<Long> CLUSTER_PORT = Option.whole("clnrest-cluster-port", 5701L, 1024, 65535,
            "should be a port between 1024 and 65535.", "Hazelcast member port of the cluster (default 5701)");
    public static final Option<List<String>> CLUSTER_MEMBERS = Option.strings("clnrest-cluster-members", List.of(),
                    "Other cluster member, host[:port] (repeatable; TCP-IP join)")
            .checkEach(m -> m.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?"),
                    "`clnrest-cluster-members` %s should be host or host:port.");
    public static final Option<String> CLUSTER_CONFIG = Option.string("clnrest-cluster-config", null,
            "A Hazelcast XML configuration file, used instead of the one built from the options above");
    public static final Option<String> CLUSTER_CERTS = Option.string("clnrest-cluster-certs", null,
            "Directory of the fleet's CA (ca.pem) and this member's client.pem and client-key.pem, issued by it, for the cluster's TLS (default: clnrest-certs, this node's own)");
    public static final Option<Boolean> CLUSTER_TLS = Option.bool("clnrest-cluster-tls", true,
            "TLS with mutual authentication on the cluster's event bus (default true); false: plain text, any process that joins reads every notification");
    public static final Option<String> CONNECT_HOST = Option.string("clnrest-connect-host", null,
                    "Host clients reach this server by (a domain, an onion name or an IP), for clnrest-connect-uri and the server certificate; default clnrest-host")
            .check(h -> validName(h) && !h.startsWith("*"), "`clnrest-connect-host` should be a DNS name or an IP.");
    public static final Option<Long> CONNECT_PORT = Option.whole("clnrest-connect-port", null, 1, 65535,
            "should be a port between 1 and 65535.", "Port clients reach this server on, for clnrest-connect-uri (default clnrest-port)");
    public static final Option<List<String>> SERVER_NAMES = Option.strings("clnrest-server-names", List.of(),
                    "Extra DNS name or IP for the server certificate (repeatable); the certificate is re-issued by the same CA when the list changes")
            .checkEach(Options::validName, "`clnrest-server-names` %s should be a DNS name or an IP.");
    public static final Option<Long> METRICS_PORT = Option.whole("clnrest-metrics-port", null, 1024, 65535,
            "should be a valid available port between 1024 and 65535.",
            "Serve Prometheus metrics over http on this port (GET /metrics); off when unset");
    public static final Option<String> METRICS_HOST = Option.string("clnrest-metrics-host", "127.0.0.1",
                    "Address the metrics server binds to (default 127.0.0.1)")
            .check(Options::validHost, "`clnrest-metrics-host` should be a valid IP.");

    /** In validation order: upstream's first, then ours. */
    public static final List<Option<?>> ALL = List.of(PORT, PROTOCOL, HOST, CERTS, CSP, CORS_ORIGINS, SWAGGER_ROOT,
            BODY_LIMIT, REQUEST_MEMORY, BODY_TIMEOUT, NOTIFICATION_BUFFER, NOTIFICATION_BUFFER_TOTAL, IDLE_TIMEOUT, MAX_CONNECTIONS, VALIDATE_REQUESTS,
            CLUSTER, CLUSTER_PORT, CLUSTER_MEMBERS, CLUSTER_CONFIG, CLUSTER_CERTS, CLUSTER_TLS, CONNECT_HOST, CONNECT_PORT, SERVER_NAMES,
            METRICS_PORT, METRICS_HOST);

    /** The {@code options} array of the manifest. No defaults: an unset option is absent from init. */
    public static JsonArray manifestOptions() {
        JsonArray out = new JsonArray();
        boolean aliases = Env.legacyAliases();
        ALL.forEach(o -> o.manifest(out, aliases));
        return out;
    }

    /** Disable reasons of rules between options ({@code %s}: the value), besides each option's own {@link Option#reasons}. */
    static final String NEEDS_CLUSTER = "`clnrest-cluster` must be set (the IP to bind the cluster to) for the other clnrest-cluster-* options.";
    static final String CLUSTER_CONFIG_UNREADABLE = "`clnrest-cluster-config` %s is not a readable file.";
    static final String NEEDS_METRICS_PORT = "`clnrest-metrics-port` must be set (the port to serve metrics on) for `clnrest-metrics-host`.";
    static final String METRICS_PORT_TAKEN = "`clnrest-metrics-port` must differ from `clnrest-port`.";
    static final List<String> RULES = List.of(NEEDS_CLUSTER, CLUSTER_CONFIG_UNREADABLE, NEEDS_METRICS_PORT, METRICS_PORT_TAKEN);

    /** The outcome of {@link #validate}: exactly one of config and disableReason is set. */
    public record Result(RestConfig config, String disableReason) {}

    /** init's options, checked against the declarations, plus what init's configuration says of the node. */
    public static Result validate(JsonObject options, JsonObject configuration) {
        JsonObject opts = options == null ? new JsonObject() : options;
        try {
            java.util.Map<Option<?>, Object> values = new java.util.LinkedHashMap<>();
            for (Option<?> o : ALL) {
                values.put(o, o.from(opts));
            }
            if (values.get(CLUSTER) == null && (CLUSTER_PORT.given(opts) != null || CLUSTER_MEMBERS.given(opts) != null
                    || CLUSTER_CONFIG.given(opts) != null || CLUSTER_CERTS.given(opts) != null || CLUSTER_TLS.given(opts) != null)) {
                throw new Option.Invalid(NEEDS_CLUSTER);
            }
            checkMetrics(values, opts);
            RestConfig config = new RestConfig(values, configuration == null ? new JsonObject() : configuration);
            java.nio.file.Path clusterFile = config.clusterConfigFile();
            if (clusterFile != null && (!java.nio.file.Files.isReadable(clusterFile) || java.nio.file.Files.isDirectory(clusterFile))) {
                throw new Option.Invalid(CLUSTER_CONFIG_UNREADABLE.replace("%s", String.valueOf(values.get(CLUSTER_CONFIG))));
            }
            return new Result(config, null);
        } catch (Option.Invalid e) {
            return new Result(null, e.getMessage());
        }
    }

    private static void checkMetrics(java.util.Map<Option<?>, Object> values, JsonObject opts) {
        if (values.get(METRICS_PORT) == null && METRICS_HOST.given(opts) != null) {
            throw new Option.Invalid(NEEDS_METRICS_PORT);
        }
        if (values.get(METRICS_PORT) != null && values.get(METRICS_PORT).equals(values.get(PORT))) {
            throw new Option.Invalid(METRICS_PORT_TAKEN);
        }
    }

    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** A DNS name (a leading {@code *.} allowed, as certificates allow), an onion name, or an IP literal; never looked up. */
    public static boolean validName(String name) {
        if (name.length() <= 253 && DNS_NAME.matcher(name).matches() && !IPV4_LIKE.matcher(name).matches()) {
            return true;
        }
        return validHost(name);
    }

    /** All digits and dots: an IP address or nothing, never a DNS name. */
    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    /** An IPv4 or IPv6 literal, or {@code localhost}; never a DNS lookup. */
    static boolean validHost(String host) {
        if (host.equals("localhost") || IPV4.matcher(host).matches()) {
            return true;
        }
        if (host.contains(":") && IPV6_CHARS.matcher(host).matches()) {
            try {
                return java.net.InetAddress.getByName(host) != null; // a literal containing ':' is parsed, never resolved
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean originOrPattern(String origin) {
        if (origin.equals("*")) {
            return true;
        }
        try {
            Pattern.compile(origin);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
