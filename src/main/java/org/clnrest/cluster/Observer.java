package org.clnrest.cluster;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.clnrest.bus.Bus;

/**
 * The fleet's observer in its own JVM: joins the cluster, prints every node's notifications, who joins and
 * leaves, and calls any node for each request read on stdin. One JSON object per line each way:
 *
 * <pre>
 * java -cp clnrest-vertx.jar org.clnrest.cluster.Observer --host 127.0.0.1 --port 5710 --members 127.0.0.1:5701
 *      --ca certs/ca.pem --cert certs/client.pem --key certs/client-key.pem [--follow 02...] [--timeout 60]
 *   {"event":"ready","join_ms":2710,"member":"&lt;hazelcast member id&gt;","tls":true}
 *   {"event":"joined","node":"02...","id":"02...","alias":"...","network":"...","version":"...","rest_url":"..."}
 *   {"event":"notification","node":"02...","topic":"invoice_creation","seq":"3","received_ms":...,"received_us":...,"body":{...}}
 *   {"event":"left","node":"02...","reason":"left the cluster"}
 * stdin: {"command":"nodes"}                          → {"event":"nodes","nodes":[{"id":"02...",...}]}
 * stdin: {"node":"02...","rune":"...","method":"getinfo","params":{}}
 *   {"event":"reply","node":"02...","method":"getinfo","reply":{"result":{...}}}   (or "reply":{"error":{code,message}})
 * </pre>
 * Without --ca/--cert/--key it joins with no certificate: a fleet with TLS tells it nothing and answers nothing.
 */
public final class Observer {
    private static PrintStream out;

    private Observer() {}

    public static void main(String[] args) throws Exception {
        ObserverArgs a = ObserverArgs.parse(args);
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // whatever a library prints stays off the JSON lines
        long t0 = System.nanoTime();
        ClusterSetup.Joined joined = ClusterSetup.start(a.network(), a.identity(), null, null).toCompletionStage().toCompletableFuture().get();
        Directory directory = new Directory(Observer::print);
        joined.manager().getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                // a member is a node once its first entry arrives
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                directory.memberLeft(e.getMember().getUuid().toString());
            }
        });
        EventBus bus = joined.vertx().eventBus();
        bus.<Object>consumer(a.follow() == null ? Bus.CLUSTER_NOTIFICATION : Bus.clusterNotification(a.follow()), Observer::notification)
                .completion().toCompletionStage().toCompletableFuture().get();
        print(new JsonObject().put("event", "ready").put("join_ms", (System.nanoTime() - t0) / 1_000_000)
                .put("member", joined.nodeId()).put("tls", a.identity() != null));
        // After "ready": every "joined" line comes after it.
        bus.<JsonObject>consumer(Bus.CLUSTER_MEMBER, m -> directory.seen(m.body(), m.headers().get(Bus.H_MEMBER), System.currentTimeMillis()))
                .completion().toCompletionStage().toCompletableFuture().get();
        joined.vertx().setPeriodic(Bus.CLUSTER_HEARTBEAT_MS / 2, id -> directory.expire(System.currentTimeMillis()));
        bus.publish(Bus.CLUSTER_DIRECTORY, new JsonObject());

        FleetCalls calls = new FleetCalls(bus, directory, a.timeoutMs(), Observer::print);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                command(line, bus, directory, calls);
            }
        }
        joined.vertx().close().toCompletionStage().toCompletableFuture().get();
        System.exit(0);
    }

    private static void command(String line, EventBus bus, Directory directory, FleetCalls calls) {
        JsonObject req;
        try {
            req = new JsonObject(line);
        } catch (RuntimeException e) {
            print(new JsonObject().put("event", "error").put("message", "not a JSON object: " + e.getMessage()));
            return;
        }
        if ("nodes".equals(req.getString("command"))) {
            print(new JsonObject().put("event", "nodes").put("nodes", directory.list()));
            bus.publish(Bus.CLUSTER_DIRECTORY, new JsonObject()); // members answer with fresh entries (printed if new)
        } else if (req.containsKey("command")) {
            print(new JsonObject().put("event", "error").put("message", "unknown command " + req.getValue("command")));
        } else {
            calls.call(req);
        }
    }

    private static void notification(Message<Object> m) {
        print(new JsonObject().put("event", "notification").put("node", m.headers().get(Bus.H_NODE))
                .put("topic", m.headers().get(Bus.H_TOPIC)).put("seq", m.headers().get(Bus.H_SEQ))
                .put("received_ms", System.currentTimeMillis())
                .put("received_us", java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now()))
                .put("body", m.body()));
    }

    private static synchronized void print(JsonObject o) {
        out.println(o.encode());
    }

    /** The command line. */
    record ObserverArgs(ClusterSetup.Network network, ClusterSetup.Identity identity, String follow, long timeoutMs) {
        static ObserverArgs parse(String[] args) {
            String host = "127.0.0.1";
            int port = 5702;
            List<String> members = new ArrayList<>();
            String config = null;
            String ca = null;
            String cert = null;
            String key = null;
            String follow = null;
            long timeout = 60;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--members" -> members.addAll(List.of(v.split(",")));
                    case "--config" -> config = v;
                    case "--ca" -> ca = v;
                    case "--cert" -> cert = v;
                    case "--key" -> key = v;
                    case "--follow" -> follow = v;
                    case "--timeout" -> timeout = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if ((ca == null) != (cert == null) || (ca == null) != (key == null)) {
                throw new IllegalArgumentException("--ca, --cert and --key go together");
            }
            ClusterSetup.Identity id = ca == null ? null : new ClusterSetup.Identity(Path.of(ca), Path.of(cert), Path.of(key));
            return new ObserverArgs(new ClusterSetup.Network(host, port, members, config), id, follow, timeout * 1000);
        }
    }
}
