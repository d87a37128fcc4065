package org.clnrest.demo;

import java.util.List;

/**
 * What tests reach inside the simulated lightningd for and the demo never needs, kept out of the shipped
 * {@link SimulatedLightningd}: the plugin processes themselves (their pid, to kill one or measure it) and a
 * notification sent without an RPC call.
 */
public final class NodeInternals {
    private NodeInternals() {}

    /** Send lightningd's notification {@code topic} (payload wrapped as {@code {"<topic>": payload}}) to every subscriber. */
    public static void notifyPlugins(SimulatedLightningd node, String topic, Object payload) {
        node.plugins.notify(topic, payload);
    }

    /** The plugin processes, in start order. */
    public static List<Process> pluginProcesses(SimulatedLightningd node) {
        return node.plugins.processes();
    }
}
