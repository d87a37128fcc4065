package org.clnrest.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.clnrest.demo.SimulatedLightningd;
import org.clnrest.support.Harness;

/**
 * The simulated node runs in the bench's own JVM, which starts cold too. lightningd is native code, warm from
 * its first call: so before anything is measured, the node's RPC path is run for a few seconds on a node of
 * its own (no plugin), and a cold plugin meets a warm node, as it would meet lightningd.
 */
final class NodeWarmUp {
    private NodeWarmUp() {}

    static void run(Bench b) throws Exception {
        Path dir = Files.createTempDirectory("clnrest-bench-node");
        SimulatedLightningd node = SimulatedLightningd.builder(dir).build().start();
        try {
            String rune = node.createRune(null);
            Plugin fake = Plugin.nodeOnly(node, dir, rune);
            WarmLoad.ceiling(b, fake, b.quick ? 2 : 4, false);
            CostlyCheckrune.alone(b, fake, 1);
        } finally {
            node.close();
            Harness.deleteTree(dir);
        }
    }
}
