package org.clnrest.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The plugin's options: what {@code getmanifest} declares and how {@code init} validates them, with
 * upstream CLNRest's exact disable reasons. The v23.08 spellings {@code rest-*} are accepted as aliases;
 * when both spellings are given, the {@code clnrest-*} one wins.
 */
public final class Options {
    private Options() {}

    public static final String DEFAULT_CSP = "default-src 'self'; font-src 'self'; img-src 'self' data:; "
            + "frame-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline';";
    public static final long DEFAULT_BODY_LIMIT = 16L * 1024 * 1024;
    public static final long DEFAULT_NOTIFICATION_BUFFER = 16L * 1024 * 1024;
    public static final long DEFAULT_NOTIFICATION_BUFFER_TOTAL = 64L * 1024 * 1024;
    public static final long DEFAULT_IDLE_TIMEOUT = 300;

    /** One declared option: {@code type} as lightningd knows it; {@code alias} is the v23.08 name or null. */
    record Spec(String name, String alias, String type, boolean multi, String description) {}

    static final List<Spec> SPECS = List.of(
            new Spec("clnrest-port", "rest-port", "int", false,
                    "REST server port to listen on (no default: the plugin stays disabled without it)"),
            new Spec("clnrest-protocol", "rest-protocol", "string", false,
                    "REST server protocol, http or https (default https)"),
            new Spec("clnrest-host", "rest-host", "string", false,
                    "REST server host (default 127.0.0.1)"),
            new Spec("clnrest-certs", "rest-certs", "string", false,
                    "Directory of the TLS identity ca.pem, server.pem, client.pem and keys (default: the directory of rpc-file)"),
            new Spec("clnrest-csp", "rest-csp", "string", false,
                    "Content-Security-Policy header sent with every response"),
            new Spec("clnrest-cors-origins", "rest-cors-origins", "string", true,
                    "Allowed CORS origin (repeatable; exact origins or regular expressions; default *)"),
            new Spec("clnrest-swagger-root", "rest-swagger-root", "string", false,
                    "Path of the Swagger UI (default /)"),
            new Spec("clnrest-body-limit", null, "int", false,
                    "Largest accepted request body in bytes (default 16777216); larger bodies get 413"),
            new Spec("clnrest-notification-buffer", null, "int", false,
                    "Bytes of notifications kept for a notification client (Socket.IO or WebSocket) that does not read (default 16777216); past it the client is disconnected"),
            new Spec("clnrest-notification-buffer-total", null, "int", false,
                    "Bytes of notifications kept for all notification clients together (default 67108864); past it the clients holding the most are disconnected"),
            new Spec("clnrest-idle-timeout", null, "int", false,
                    "Seconds before an idle HTTP or WebSocket connection is closed, and at most 10 s for a new one to send its first request head (default 300)"),
            new Spec("clnrest-validate-requests", null, "bool", false,
                    "Check JSON/YAML params of the methods the typed contract knows before calling lightningd (default true)"),
            new Spec("clnrest-cluster", null, "string", false,
                    "Join a clustered Vert.x event bus (Hazelcast) bound to this IP; off when unset"),
            new Spec("clnrest-cluster-port", null, "int", false,
                    "Hazelcast member port of the cluster (default 5701)"),
            new Spec("clnrest-cluster-members", null, "string", true,
                    "Other cluster member, host[:port] (repeatable; TCP-IP join)"),
            new Spec("clnrest-cluster-config", null, "string", false,
                    "A Hazelcast XML configuration file, used instead of the one built from the options above"));

    /** Set {@code CLNREST_VERTX_LEGACY_OPTIONS=false} to not declare the rest-* aliases (they clash with c-lightning-REST). */
    static boolean legacyAliases() {
        return !"false".equalsIgnoreCase(System.getenv("CLNREST_VERTX_LEGACY_OPTIONS"));
    }

    /** The {@code options} array of the manifest. No defaults: an unset option is absent from init. */
    public static JsonArray manifestOptions() {
        JsonArray out = new JsonArray();
        boolean aliases = legacyAliases();
        for (Spec s : SPECS) {
            out.add(option(s.name(), s.type(), s.multi(), s.description()));
            if (aliases && s.alias() != null) {
                out.add(option(s.alias(), s.type(), s.multi(), "Alias of " + s.name() + " (CLNRest v23.08 name)"));
            }
        }
        return out;
    }

    private static JsonObject option(String name, String type, boolean multi, String description) {
        JsonObject o = new JsonObject().put("name", name).put("type", type).put("description", description);
        if (multi) {
            o.put("multi", true);
        }
        return o;
    }

    /** The outcome of {@link #validate}: exactly one of config and disableReason is set. */
    public record Result(RestConfig config, String disableReason) {
        static Result disable(String reason) {
            return new Result(null, reason);
        }
    }

    /**
     * Validate init's options against init's configuration, in upstream's order (port, protocol, host,
     * cors, swagger root) so that the first problem is the one reported.
     */
    public static Result validate(JsonObject options, JsonObject configuration) {
        Map<String, Object> opts = options == null ? Map.of() : options.getMap();

        Object portValue = pick(opts, "clnrest-port");
        if (portValue == null) {
            return Result.disable("`clnrest-port` option is not configured");
        }
        Long port = asLong(portValue);
        if (port == null || port < 1024 || port > 65535) {
            return Result.disable("`clnrest-port` " + portValue + ", should be a valid available port between 1024 and 65535.");
        }

        String protocol = string(opts, "clnrest-protocol", "https");
        if (!protocol.equals("http") && !protocol.equals("https")) {
            return Result.disable("`clnrest-protocol` can either be http or https.");
        }

        String host = string(opts, "clnrest-host", "127.0.0.1");
        if (!validHost(host)) {
            return Result.disable("`clnrest-host` should be a valid IP.");
        }

        List<String> cors = strings(opts, "clnrest-cors-origins");
        if (cors == null) {
            cors = List.of("*");
        } else if (cors.isEmpty() || cors.stream().anyMatch(String::isBlank)) {
            return Result.disable("`clnrest-cors-origins` must not be empty!");
        }
        for (String origin : cors) {
            if (!origin.equals("*")) {
                try {
                    Pattern.compile(origin);
                } catch (PatternSyntaxException e) {
                    return Result.disable("`clnrest-cors-origins` " + origin + " is not a valid origin or regular expression.");
                }
            }
        }

        String swaggerRoot = string(opts, "clnrest-swagger-root", "/");
        if (!swaggerRoot.startsWith("/")) {
            return Result.disable("`clnrest-swagger-root` must start with `/`");
        }

        Long bodyLimit = whole(opts, "clnrest-body-limit", DEFAULT_BODY_LIMIT, 1024, Long.MAX_VALUE);
        if (bodyLimit == null) {
            return Result.disable("`clnrest-body-limit` " + pick(opts, "clnrest-body-limit") + ", should be a number of bytes, at least 1024.");
        }
        Long notificationBuffer = whole(opts, "clnrest-notification-buffer", DEFAULT_NOTIFICATION_BUFFER, 65536, Integer.MAX_VALUE);
        if (notificationBuffer == null) {
            return Result.disable("`clnrest-notification-buffer` " + pick(opts, "clnrest-notification-buffer")
                    + ", should be a number of bytes, at least 65536.");
        }
        Long notificationBufferTotal = whole(opts, "clnrest-notification-buffer-total", DEFAULT_NOTIFICATION_BUFFER_TOTAL, 65536, Long.MAX_VALUE);
        if (notificationBufferTotal == null) {
            return Result.disable("`clnrest-notification-buffer-total` " + pick(opts, "clnrest-notification-buffer-total")
                    + ", should be a number of bytes, at least 65536.");
        }
        Long idleTimeout = whole(opts, "clnrest-idle-timeout", DEFAULT_IDLE_TIMEOUT, 1, 86_400);
        if (idleTimeout == null) {
            return Result.disable("`clnrest-idle-timeout` " + pick(opts, "clnrest-idle-timeout")
                    + ", should be a number of seconds between 1 and 86400.");
        }

        Object validateValue = pick(opts, "clnrest-validate-requests");
        boolean validateRequests = true;
        if (validateValue != null) {
            if (validateValue instanceof Boolean b) {
                validateRequests = b;
            } else if ("true".equalsIgnoreCase(String.valueOf(validateValue)) || "false".equalsIgnoreCase(String.valueOf(validateValue))) {
                validateRequests = Boolean.parseBoolean(String.valueOf(validateValue));
            } else {
                return Result.disable("`clnrest-validate-requests` should be true or false.");
            }
        }

        JsonObject conf = configuration == null ? new JsonObject() : configuration;
        String lightningDir = conf.getString("lightning-dir", ".");
        JsonObject cluster = null;
        String clusterHost = string(opts, "clnrest-cluster", null);
        if (clusterHost != null) {
            if (!validHost(clusterHost)) {
                return Result.disable("`clnrest-cluster` should be a valid IP to bind the cluster to.");
            }
            Long clusterPort = whole(opts, "clnrest-cluster-port", 5701, 1024, 65535);
            if (clusterPort == null) {
                return Result.disable("`clnrest-cluster-port` " + pick(opts, "clnrest-cluster-port") + ", should be a port between 1024 and 65535.");
            }
            List<String> members = strings(opts, "clnrest-cluster-members");
            members = members == null ? List.of() : members;
            for (String m : members) {
                if (!m.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
                    return Result.disable("`clnrest-cluster-members` " + m + " should be host or host:port.");
                }
            }
            String clusterConfig = string(opts, "clnrest-cluster-config", null);
            if (clusterConfig != null) {
                Path file = Path.of(lightningDir).resolve(clusterConfig).toAbsolutePath().normalize();
                if (!java.nio.file.Files.isReadable(file) || java.nio.file.Files.isDirectory(file)) {
                    return Result.disable("`clnrest-cluster-config` " + clusterConfig + " is not a readable file.");
                }
                clusterConfig = file.toString();
            }
            cluster = new JsonObject().put("host", clusterHost).put("port", clusterPort.intValue())
                    .put("members", new io.vertx.core.json.JsonArray(List.copyOf(members))).put("config", clusterConfig);
        } else if (pick(opts, "clnrest-cluster-port") != null || strings(opts, "clnrest-cluster-members") != null
                || pick(opts, "clnrest-cluster-config") != null) {
            return Result.disable("`clnrest-cluster` must be set (the IP to bind the cluster to) for the other clnrest-cluster-* options.");
        }
        String rpcFileName = conf.getString("rpc-file", "lightning-rpc");
        Path rpcFile = Path.of(lightningDir).resolve(rpcFileName).toAbsolutePath().normalize();
        String certs = string(opts, "clnrest-certs", null);
        Path certsDir = certs != null ? Path.of(lightningDir).resolve(certs).toAbsolutePath().normalize() : rpcFile.getParent();

        return new Result(new RestConfig(port.intValue(), protocol, host, certsDir, string(opts, "clnrest-csp", DEFAULT_CSP),
                List.copyOf(cors), swaggerRoot, bodyLimit, notificationBuffer, notificationBufferTotal, idleTimeout.intValue(), validateRequests, rpcFile, Path.of(lightningDir).toAbsolutePath().normalize(),
                true, cluster), null);
    }

    /** The value of an option by its clnrest-* name, else by its rest-* alias. */
    private static Object pick(Map<String, Object> opts, String name) {
        Object v = opts.get(name);
        if (v != null) {
            return v;
        }
        for (Spec s : SPECS) {
            if (s.name().equals(name) && s.alias() != null) {
                return opts.get(s.alias());
            }
        }
        return null;
    }

    private static String string(Map<String, Object> opts, String name, String dflt) {
        Object v = pick(opts, name);
        if (v instanceof List<?> list) {
            v = list.isEmpty() ? null : list.get(list.size() - 1);
        }
        return v == null ? dflt : String.valueOf(v);
    }

    private static List<String> strings(Map<String, Object> opts, String name) {
        Object v = pick(opts, name);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            list.forEach(x -> out.add(String.valueOf(x).trim()));
        } else if (v instanceof JsonArray arr) {
            arr.forEach(x -> out.add(String.valueOf(x).trim()));
        } else {
            out.add(String.valueOf(v).trim());
        }
        return out;
    }

    /** The option's whole-number value ({@code dflt} when unset), or null when it is not one within [min, max]. */
    private static Long whole(Map<String, Object> opts, String name, long dflt, long min, long max) {
        Object v = pick(opts, name);
        if (v == null) {
            return dflt;
        }
        Long l = asLong(v);
        return l == null || l < min || l > max ? null : l;
    }

    private static Long asLong(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) ? n.longValue() : null;
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

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
                // A literal containing ':' is parsed, never resolved.
                return java.net.InetAddress.getByName(host) instanceof java.net.Inet6Address
                        || java.net.InetAddress.getByName(host) instanceof java.net.Inet4Address;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
