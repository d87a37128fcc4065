package org.clnrest.cluster;

import java.io.FileNotFoundException;
import java.util.List;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A clustered Vert.x for the plugin and for observers alike: Hazelcast with TCP-IP join only (no multicast,
 * no cloud auto-detection), bound to one interface, and the event bus's own TCP transport bound to the same
 * host. A configuration file, when given, replaces the Hazelcast part.
 */
public final class ClusterSetup {
    private ClusterSetup() {}

    public static Future<Vertx> start(String host, int port, List<String> members, String configFile) {
        Config hz;
        if (configFile != null) {
            try {
                hz = new XmlConfigBuilder(configFile).build();
            } catch (FileNotFoundException e) {
                return Future.failedFuture(e);
            }
        } else {
            // Vert.x's default cluster configuration (its maps and multimaps), with our network on top.
            hz = ConfigUtil.loadConfig();
            hz.setClusterName("clnrest");
            NetworkConfig net = hz.getNetworkConfig();
            net.setPort(port).setPortAutoIncrement(false);
            net.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
            JoinConfig join = net.getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members);
        }
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.wait.seconds.before.join", "0");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.setProperty("hazelcast.local.localAddress", host);
        hz.setProperty("hazelcast.socket.bind.any", "false");
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setEventBusOptions(new EventBusOptions().setHost(host).setPort(0).setClusterPublicHost(host));
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
    }
}
