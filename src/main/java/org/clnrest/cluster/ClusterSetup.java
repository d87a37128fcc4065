package org.clnrest.cluster;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import org.clnrest.net.ConnectionGate;
import org.clnrest.net.GatedTransport;
import org.clnrest.util.RateLimitedLog;

/**
 * A clustered Vert.x for the plugin and for observers alike: Hazelcast with TCP-IP join only (no multicast,
 * no cloud auto-detection), bound to one interface, and the event bus's own TCP transport bound to the same
 * host, with TLS and mutual authentication when an {@link Identity} is given: a peer must present a
 * certificate of the fleet's CA (the JDK's PKIX checks: chain, validity, and extended key usage, serverAuth
 * from the end that accepted the connection, clientAuth from the one that opened it; no host name, since
 * members are known by their CA and often by bare IPs). A
 * configuration file, when given, replaces the Hazelcast part.
 */
public final class ClusterSetup {
    /**
     * A peer that does not finish its TLS handshake (one speaking plain text, say) is dropped after this long;
     * the messages queued for it meanwhile are dropped with it.
     */
    static final long HANDSHAKE_SECONDS = 5;
    /**
     * Connections the event bus's server keeps at once: each member opens one to each other member, and each observer
     * one; a stranger who reaches the bus's port held a descriptor per connection for the handshake's 5 s, uncounted
     * (descriptors the REST server shares). Past this, new connections are closed at their accept.
     */
    public static final int MAX_BUS_CONNECTIONS = 256;
    /** A connection to the bus that sends nothing (not even a TLS hello) is closed after this long. */
    static final long FIRST_BYTE_MS = 10_000;

    private ClusterSetup() {}

    /** Where to bind and whom to join. {@code configFile} (may be null) replaces the Hazelcast network part. */
    public record Network(String host, int port, List<String> members, String configFile) {}

    /** The fleet's CA and this member's certificate and key (PEM files). */
    public record Identity(Path ca, Path cert, Path key) {}

    /** The clustered Vert.x and its Hazelcast member (for membership events and its node id). */
    public record Joined(Vertx vertx, HazelcastClusterManager manager) {
        public String nodeId() {
            return manager.getNodeId();
        }
    }

    /**
     * {@code identity} null: the event bus in plain text (clnrest-cluster-tls=false, or an observer without certificate).
     * {@code gate}, when not null, caps the bus server's connections from their accept (it is configured here).
     */
    public static Future<Joined> start(Network net, Identity identity, ConnectionGate gate, RateLimitedLog atCap) {
        Config hz;
        try {
            hz = hazelcast(net);
        } catch (FileNotFoundException e) {
            return Future.failedFuture(e);
        }
        EventBusOptions bus = new EventBusOptions().setHost(net.host()).setPort(0).setClusterPublicHost(net.host());
        if (identity != null) {
            try {
                // Read here (Vert.x passes the options on as JSON, paths included): a missing file fails the start clearly.
                for (Path p : List.of(identity.ca(), identity.cert(), identity.key())) {
                    java.nio.file.Files.readAllBytes(p);
                }
                // trustAll is on by default for the event bus (EventBusOptions.DEFAULT_TRUST_ALL): a member would accept
                // any peer it connects to, whatever its certificate, and deliver to it (ClusterIT's foreign stranger).
                bus.setSsl(true).setTrustAll(false).setClientAuth(ClientAuth.REQUIRED)
                        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(identity.cert().toString()).setKeyPath(identity.key().toString()))
                        .setTrustOptions(new PemTrustOptions().addCertPath(identity.ca().toString()))
                        .setSslHandshakeTimeout(HANDSHAKE_SECONDS);
            } catch (Exception e) {
                return Future.failedFuture(new IllegalStateException("cannot read the cluster's certificates (" + identity.ca() + ", "
                        + identity.cert() + ", " + identity.key() + "): " + e.getMessage(), e));
            }
        }
        HazelcastClusterManager manager = new HazelcastClusterManager(hz);
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setEventBusOptions(bus);
        var builder = Vertx.builder().with(options).withClusterManager(manager);
        if (gate != null) {
            gate.guard(ConnectionGate.ANY_PORT, MAX_BUS_CONNECTIONS, FIRST_BYTE_MS, true, atCap);
            builder.withTransport(new GatedTransport(gate));
        }
        return builder.buildClustered().map(v -> new Joined(v, manager));
    }

    private static Config hazelcast(Network n) throws FileNotFoundException {
        Config hz;
        if (n.configFile() != null) {
            hz = new XmlConfigBuilder(n.configFile()).build();
        } else {
            // Vert.x's default cluster configuration (its maps and multimaps), with our network on top.
            hz = ConfigUtil.loadConfig();
            hz.setClusterName("clnrest");
            NetworkConfig net = hz.getNetworkConfig();
            // Reuse: a member restarted at once (after a crash) binds its port again despite TIME_WAIT sockets.
            net.setPort(n.port()).setPortAutoIncrement(false).setReuseAddress(true);
            net.getInterfaces().setEnabled(true).setInterfaces(List.of(n.host()));
            JoinConfig join = net.getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(n.members().isEmpty() ? List.of(n.host() + ":" + n.port()) : n.members());
        }
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.wait.seconds.before.join", "0");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.setProperty("hazelcast.local.localAddress", n.host());
        hz.setProperty("hazelcast.socket.bind.any", "false");
        // Members started together may form two clusters at first: merge them within seconds, not Hazelcast's 5 minutes.
        hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        // A member that stops answering is removed within 10 s, not 60 (heartbeats every second, not every 5).
        hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        return hz;
    }
}
