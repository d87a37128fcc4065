package org.clnrest.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;
import org.clnrest.rpc.Rpc;
import org.clnrest.tls.MemberCertificate;
import org.clnrest.net.ConnectionGate;
import org.clnrest.util.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a member of a fleet on a clustered event bus (clnrest-cluster). At start it asks lightningd
 * who it is (getinfo), then joins: it serves requests on its own {@link Bus#clusterRpc} address
 * ({@link ClusterRpc}), re-publishes every notification with its node id as it arrives, and publishes its
 * directory entry every {@link Bus#CLUSTER_HEARTBEAT_MS} ms and whenever asked. The plugin's own bus stays
 * local: a second, clustered Vert.x instance carries only the cluster addresses. Deployed by class name, so
 * no Hazelcast class is loaded unless clustering is on.
 */
public class ClusterVerticle extends AbstractVerticle {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);

    private final Rpc rpc;
    private ClusterSetup.Joined joined;
    private EventBus clustered;
    private JsonObject entry;
    private DeliveryOptions entryHeaders;

    /** Made by name, so that no Hazelcast class loads unless clustering is on. */
    public ClusterVerticle(Rpc rpc) {
        this.rpc = rpc;
    }

    @Override
    public void start(Promise<Void> started) {
        JsonObject c = config();
        PeerFailureLog.install();
        long t0 = System.nanoTime();
        List<String> members = c.getJsonArray("members").stream().map(String::valueOf).toList();
        ClusterSetup.Network net = new ClusterSetup.Network(c.getString("host"), c.getInteger("port"), members, c.getString("config"));
        ClusterSetup.Identity identity = c.getBoolean("tls") ? new ClusterSetup.Identity(Path.of(c.getString("ca")),
                Path.of(c.getString("cert")), Path.of(c.getString("key"))) : null;
        rpc.call("getinfo", new JsonObject(), 30_000)
                .compose(info -> info.isError() ? Future.failedFuture("getinfo failed: " + info.error().getString("message"))
                        : Future.succeededFuture(info.resultObject()))
                .compose(info -> {
                    entry = new JsonObject().put("id", info.getString("id")).put("alias", info.getString("alias"))
                            .put("network", info.getString("network")).put("version", info.getString("version"))
                            .put("rest_url", c.getString("rest_url"));
                    return join(net, identity);
                })
                .compose(j -> {
                    joined = j;
                    clustered = j.vertx().eventBus();
                    entryHeaders = new DeliveryOptions().addHeader(Bus.H_NODE, entry.getString("id")).addHeader(Bus.H_MEMBER, j.nodeId());
                    return clustered.<JsonObject>consumer(Bus.clusterRpc(entry.getString("id")), new ClusterRpc(vertx, rpc)::handle).completion()
                            .compose(v -> clustered.consumer(Bus.CLUSTER_DIRECTORY, m -> announce()).completion());
                })
                .onSuccess(v -> {
                    vertx.eventBus().<Object>localConsumer(Bus.NOTIFICATION, this::forward);
                    announce();
                    vertx.setPeriodic(Bus.CLUSTER_HEARTBEAT_MS, id -> announce());
                    LOG.info("Cluster event bus up on {}:{} (bus port {}) in {} ms as node {} ({}; members to join: {})", net.host(), net.port(),
                            joined.manager().getNodeInfo().port(), (System.nanoTime() - t0) / 1_000_000, entry.getString("id"),
                            identity == null ? "plain text" : "TLS, members of the CA " + identity.ca(), members);
                    started.complete();
                })
                .onFailure(e -> started.fail(new IllegalStateException("cannot start the cluster: " + e.getMessage(), e)));
    }

    /**
     * client.pem made fit for both TLS ends ({@link MemberCertificate}), then the join: both off Vert.x's threads
     * (blocking file work; a Vert.x built on another's thread would share nothing with it but a warning).
     */
    private Future<ClusterSetup.Joined> join(ClusterSetup.Network net, ClusterSetup.Identity identity) {
        CompletableFuture<ClusterSetup.Joined> joining = CompletableFuture.supplyAsync(() -> {
            try {
                String why = identity == null ? null : MemberCertificate.check(identity.cert().getParent());
                if (why != null) {
                    LOG.info("In {}: {}", identity.cert().getParent(), why);
                }
                return null;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }).thenCompose(v -> ClusterSetup.start(net, identity, new ConnectionGate(),
                new RateLimitedLog(vertx, LOG, 10_000, true)).toCompletionStage());
        return Future.fromCompletionStage(joining, context).recover(e ->
                Future.failedFuture(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    /** This node's directory entry, to every member (a heartbeat, and the answer to a directory request). */
    private void announce() {
        clustered.publish(Bus.CLUSTER_MEMBER, entry, entryHeaders);
    }

    /** Each notification twice: on the fleet's address and on this node's own. */
    private void forward(Message<Object> m) {
        DeliveryOptions headers = new DeliveryOptions().addHeader(Bus.H_NODE, entry.getString("id"))
                .addHeader(Bus.H_TOPIC, m.headers().get(Bus.H_TOPIC)).addHeader(Bus.H_SEQ, m.headers().get(Bus.H_SEQ));
        clustered.publish(Bus.CLUSTER_NOTIFICATION, m.body(), headers);
        clustered.publish(Bus.clusterNotification(entry.getString("id")), m.body(), headers);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        if (joined == null) {
            stopped.complete();
        } else {
            joined.vertx().close().onComplete(ar -> stopped.complete());
        }
    }
}
