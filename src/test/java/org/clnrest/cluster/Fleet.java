package org.clnrest.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.bouncycastle.asn1.x509.GeneralName;
import org.clnrest.demo.NodeInternals;
import org.clnrest.support.Harness;
import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.ClientProcess;
import org.clnrest.tls.CertificateStore;

/**
 * A fleet on loopback for the cluster tests: simulated lightningd nodes, each running the packaged plugin
 * with clnrest-cluster on and one shared certificate directory (one CA: a fleet with no further option), on
 * free ports; and observers (org.clnrest.cluster.Observer), each in its own JVM.
 */
final class Fleet implements AutoCloseable {
    final Path certs;
    final List<Path> dirs = new ArrayList<>();
    final List<Integer> clusterPorts = new ArrayList<>();
    final List<SimulatedLightningd> nodes = new ArrayList<>();
    private final List<ClientProcess> observers = new ArrayList<>();

    Fleet(int size) throws Exception {
        certs = Files.createTempDirectory("clnrest-fleet-certs");
        CertificateStore.ensure(certs, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")), Duration.ZERO);
        for (int i = 0; i < size; i++) {
            dirs.add(Files.createTempDirectory("clnrest-fleet-node"));
            clusterPorts.add(Harness.freePort());
            nodes.add(null);
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int n = i;
            starts.add(CompletableFuture.runAsync(() -> start(n)));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get();
    }

    /** (Re)start node {@code i} on its directory: the same node id, the same cluster port. */
    void start(int i) {
        try {
            SimulatedLightningd.Builder b = SimulatedLightningd.builder(dirs.get(i)).plugin(Harness.pluginCommand())
                    .option("clnrest-port", Harness.freePort()).option("clnrest-certs", certs.toString())
                    .option("clnrest-cluster", "127.0.0.1").option("clnrest-cluster-port", clusterPorts.get(i));
            clusterPorts.forEach(p -> b.option("clnrest-cluster-members", "127.0.0.1:" + p));
            SimulatedLightningd node = b.build().start();
            nodes.set(i, node);
            node.awaitLog("Cluster event bus up", Duration.ofSeconds(90));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String members() {
        return String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** An observer joining the fleet with {@code certArgs} (--ca/--cert/--key, or none) and {@code extra} arguments. */
    ClientProcess observer(List<String> certArgs, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", Path.of("target/clnrest-vertx.jar").toAbsolutePath().toString(),
                "org.clnrest.cluster.Observer", "--host", "127.0.0.1", "--port", Integer.toString(Harness.freePort()),
                "--members", members()));
        cmd.addAll(certArgs);
        cmd.addAll(List.of(extra));
        ClientProcess o = new ClientProcess(cmd);
        observers.add(o);
        return o;
    }

    /** The fleet's own client identity (what an operator hands the observer). */
    List<String> fleetCertificate() {
        return identity(certs.resolve("ca.pem"), certs);
    }

    static List<String> identity(Path ca, Path dir) {
        return List.of("--ca", ca.toString(), "--cert", dir.resolve("client.pem").toString(), "--key", dir.resolve("client-key.pem").toString());
    }

    @Override
    public void close() throws Exception {
        for (ClientProcess o : observers) {
            o.process().destroyForcibly();
        }
        for (SimulatedLightningd n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        for (Path d : dirs) {
            Harness.deleteTree(d);
        }
        Harness.deleteTree(certs);
    }
}
