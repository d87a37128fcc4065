package org.clnrest.bus;

/**
 * The event-bus contract between the verticles: every address, header and message shape in one place.
 *
 * <pre>
 * address                  kind      body                                   reply
 * ------------------------ --------- -------------------------------------- -----------------------------
 * clnrest.plugin.init      request   JsonObject {options, configuration}    JsonObject {} or {disable}
 * clnrest.plugin.stopping  publish   JsonObject {} (empty)                  -
 * clnrest.rpc.call         request   JsonObject {method, params?}           {@link org.clnrest.rpc.RpcReply}
 *                                    header timeout = ms (optional)         or fail(503|504, why)
 * clnrest.notification     publish   the params as lightningd sent them     -
 *                                    ({"&lt;topic&gt;": {...}} for lightningd's own topics)
 *                                    header topic = &lt;topic&gt;, header seq = arrival number
 * clnrest.notification.batch publish JsonArray of the notifications of one tick (the one-second timer)
 * clnrest.plugin.rpcmethod.&lt;method&gt;                                        (one address per RPC method of this plugin, {@link RpcMethod#address()})
 *                          request   JsonObject {method, params}            JsonObject result, or fail(code, error JSON)
 * clnrest.paths.changed    publish   JsonArray of routes (the whole table)  -
 * clnrest.paths.list       request   (empty)                                JsonArray of routes
 *   route = {path, http_method, rpc_method, rune_required, rune_restrictions?}  ({@link org.clnrest.paths.DynamicPaths})
 *
 * clustered (other JVMs): see the CLUSTER_* constants below and docs/cluster.md
 * </pre>
 *
 * RPC replies travel as {@link org.clnrest.rpc.RpcReply} objects with a local-only codec: a reply of 100 MB
 * is handed over by reference, never copied or re-encoded on the bus.
 */
public final class Bus {
    private Bus() {}

    /** Bridge → bootstrap: lightningd's init; the reply is what the bridge answers lightningd. */
    public static final String PLUGIN_INIT = "clnrest.plugin.init";
    /** Published once when the plugin is about to exit (shutdown notification, stdin EOF). */
    public static final String PLUGIN_STOPPING = "clnrest.plugin.stopping";
    /** Anyone → RPC client verticle: call a lightningd method (an Rpc made with the client, called on its event loop, calls it directly instead). */
    public static final String RPC_CALL = "clnrest.rpc.call";
    /**
     * Bridge → anyone: every lightningd notification, as it arrives, in arrival order. Body: its params exactly as
     * lightningd sent them ({@code {"<topic>": {...}}} for lightningd's own topics; another plugin's notification as
     * that plugin wrote it, e.g. pay's {@code {"origin", "payload", "pay_failure"}}); header {@link #H_TOPIC}.
     */
    public static final String NOTIFICATION = "clnrest.notification";
    /** Broadcaster timer → Socket.IO side: the notifications queued during the last second, in order. */
    public static final String NOTIFICATION_BATCH = "clnrest.notification.batch";
    /**
     * Bridge → the verticle that owns the method: an RPC method this plugin registered was called through
     * lightningd. One address per method ({@link #pluginRpcMethod}); no consumer means "not available (yet)".
     */
    public static final String PLUGIN_RPC_METHOD = "clnrest.plugin.rpcmethod";

    /** The address of one of this plugin's RPC methods: {@code clnrest.plugin.rpcmethod.<method>}. */
    public static String pluginRpcMethod(String method) {
        return PLUGIN_RPC_METHOD + "." + method;
    }

    /** Path registry → HTTP: the whole table of dynamic paths, after every registration. */
    public static final String PATHS_CHANGED = "clnrest.paths.changed";
    /** HTTP → path registry: the current table (asked once at start, then kept up to date by PATHS_CHANGED). */
    public static final String PATHS_LIST = "clnrest.paths.list";

    // ---- the clustered bus (only with clnrest-cluster; docs/cluster.md) ---------------------------------
    // Every address below travels between JVMs, over the event bus's TCP connections (TLS with mutual
    // authentication unless clnrest-cluster-tls=false); <node> is the lightningd node id (getinfo's id).

    /**
     * Published as each notification arrives: body as on {@link #NOTIFICATION} (the params as lightningd sent them); headers
     * {@link #H_NODE}, {@link #H_TOPIC}, {@link #H_SEQ} (per node: gaps mean loss). Also published on
     * {@link #clusterNotification(String)} (one node's notifications only).
     */
    public static final String CLUSTER_NOTIFICATION = "clnrest.cluster.notification";

    /** {@code clnrest.cluster.notification.<node>}: the same messages, for an observer following one node. */
    public static String clusterNotification(String node) {
        return CLUSTER_NOTIFICATION + "." + node;
    }

    /**
     * Prefix of {@link #clusterRpc(String)}: request, body {@code {method, params?}}, header {@link #H_RUNE}; reply
     * {@code {"result": ...}} or {@code {"error": {code, message[, data]}}} (lightningd's error, or the rune
     * check's: 1501 missing, 1502/1501/1503 refused). Served by that node's plugin only.
     */
    public static final String CLUSTER_RPC = "clnrest.cluster.rpc";

    /** {@code clnrest.cluster.rpc.<node>}: the one address where node {@code <node>} takes requests. */
    public static String clusterRpc(String node) {
        return CLUSTER_RPC + "." + node;
    }

    /**
     * Every member publishes its directory entry here at start, every {@link #CLUSTER_HEARTBEAT_MS} ms, and
     * when asked on {@link #CLUSTER_DIRECTORY}: body {@code {id, alias, network, version, rest_url}}, header
     * {@link #H_MEMBER} (the Vert.x cluster node id, to match Hazelcast's membership events).
     */
    public static final String CLUSTER_MEMBER = "clnrest.cluster.member";
    /** Publish (any body): every member answers at once with its entry on {@link #CLUSTER_MEMBER}. */
    public static final String CLUSTER_DIRECTORY = "clnrest.cluster.directory";
    public static final long CLUSTER_HEARTBEAT_MS = 1_000;
    /** Header on the clustered notifications and entries: the lightningd node id of the sender. */
    public static final String H_NODE = "node";
    /** Header on {@link #CLUSTER_MEMBER}: the sender's Vert.x (Hazelcast member) node id. */
    public static final String H_MEMBER = "member";
    /** Header on the requests to {@link #clusterRpc(String)}: the caller's rune. */
    public static final String H_RUNE = "rune";

    /**
     * JSON-RPC error codes an observer's call gets when the node was not reached (server-error range of
     * JSON-RPC 2.0, beside the plugin's -32000 "lightningd is unavailable"): the node is not in the cluster
     * (never was, or left, also while the call was pending); it did not answer within the caller's timeout;
     * its connection failed (an unreachable or untrusted member).
     */
    public static final int CLUSTER_NODE_ABSENT = -32001;
    public static final int CLUSTER_NODE_TIMEOUT = -32002;
    public static final int CLUSTER_NODE_UNREACHABLE = -32003;

    /** Header on {@link #NOTIFICATION}: the notification's topic (lightningd's method name). */
    public static final String H_TOPIC = "topic";
    /** Header on {@link #NOTIFICATION}: the arrival number (1, 2, ...), to prove ordering end to end. */
    public static final String H_SEQ = "seq";

    /** Fields of {@link #RPC_CALL} requests. */
    public static final String F_METHOD = "method";
    public static final String F_PARAMS = "params";
    /** Fields of {@link #PLUGIN_INIT} requests. */
    public static final String F_OPTIONS = "options";
    public static final String F_CONFIGURATION = "configuration";
    public static final String F_DISABLE = "disable";

    /** Header on {@link #RPC_CALL}: milliseconds lightningd has to answer (none: the client's default). */
    public static final String H_TIMEOUT = "timeout";

    /** Failure codes used with {@code Message.fail} on {@link #RPC_CALL} when lightningd was not reached. */
    public static final int FAIL_RPC_UNAVAILABLE = 503;
    public static final int FAIL_RPC_TIMEOUT = 504;
}
