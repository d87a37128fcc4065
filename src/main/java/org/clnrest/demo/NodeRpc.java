package org.clnrest.demo;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The node's own RPC methods: enough of lightningd to exercise the plugin. Each answer is the raw JSON of
 * {@code result}, or a {@link RpcFailure} with lightningd's code and message.
 */
final class NodeRpc {
    /** The methods the node itself serves (plugins add theirs). */
    static final List<String[]> COMMANDS = List.of(
            new String[]{"getinfo", "utility", "Show information about this node"},
            new String[]{"help", "utility", "List available commands, or give verbose help on one {command}"},
            new String[]{"invoice", "payment", "Create an invoice for {amount_msat} with {label} and {description}"},
            new String[]{"listinvoices", "payment", "Show invoice matching {label}, or all"},
            new String[]{"datastore", "utility", "Add a {key} and {hex}/{string} data to the data store"},
            new String[]{"listdatastore", "utility", "List the datastore, optionally only keys starting with {key}"},
            new String[]{"createrune", "utility", "Create or restrict an optional {rune} with optional {restrictions}"},
            new String[]{"checkrune", "utility", "Checks rune for validity"},
            new String[]{"showrunes", "utility", "Show the list of runes or decode an optional {rune}"},
            new String[]{"blacklistrune", "utility", "Blacklist a rune or range of runes by taking an optional {start} and an optional {end}"},
            new String[]{"listconfigs", "utility", "List all configuration options, or with [config], just that one"},
            new String[]{"stop", "utility", "Shut down the lightningd process"});

    private final String nodeId;
    private final InfoMethods info;
    private final InvoiceMethods invoices;
    private final DatastoreMethods datastore = new DatastoreMethods();
    private final RuneMethods runes;

    /**
     * @param checkruneCostNanos what a successful checkrune's database write costs (see
     *        {@link SimulatedLightningd.Builder#checkruneCost})
     */
    NodeRpc(Path networkDir, int seededInvoices, long checkruneCostNanos, PluginHost plugins, InitOptions options, NodeLog log) {
        SecureRandom random = new SecureRandom();
        NodeSecret secret = NodeSecret.load(networkDir);
        this.nodeId = secret.nodeId();
        this.info = new InfoMethods(nodeId, networkDir, plugins, options);
        this.invoices = new InvoiceMethods(random, seededInvoices, plugins);
        this.runes = new RuneMethods(nodeId, secret.runeKey(), checkruneCostNanos, log);
    }

    String nodeId() {
        return nodeId;
    }

    /** Answer {@code method}; plugin methods are handled by the caller. Returns the result's JSON text. */
    Buffer call(String method, Object params) {
        return switch (method) {
            case "getinfo" -> json(info.getinfo(params));
            case "help" -> json(info.help(params));
            case "invoice" -> json(invoices.invoice(params));
            case "listinvoices" -> invoices.listinvoices(params);
            case "datastore" -> json(datastore.datastore(params));
            case "listdatastore" -> json(datastore.listdatastore(params));
            case "createrune" -> json(runes.createrune(params));
            case "checkrune" -> json(runes.checkrune(params));
            case "showrunes" -> json(runes.showrunes(params));
            case "blacklistrune" -> json(runes.blacklistrune(params));
            case "listconfigs" -> json(info.listconfigs(params));
            case "dev-notify" -> json(info.devNotify(params));
            default -> throw new RpcFailure(-32601, "Unknown command '" + method + "'");
        };
    }

    private static Buffer json(JsonObject o) {
        return o.toBuffer();
    }
}
