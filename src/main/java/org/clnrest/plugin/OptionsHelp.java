package org.clnrest.plugin;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the text {@code bin/clnrest-vertx --help} prints (the build runs it at package time into
 * {@code target/HELP}, shipped as {@code lib/HELP}): how lightningd runs the plugin, and every option from its
 * one declaration in {@link Options}. The launcher only prints the file: asking for help starts no JVM.
 */
public final class OptionsHelp {
    private OptionsHelp() {}

    public static void main(String[] args) throws Exception {
        Files.writeString(Path.of(args[0]), text(), StandardCharsets.UTF_8);
    }

    static String text() {
        StringBuilder s = new StringBuilder()
                .append("A Core Lightning plugin: lightningd starts it and talks to it over stdin/stdout.\n")
                .append("  lightningd --disable-plugin=clnrest --plugin=/path/to/clnrest-vertx/bin/clnrest-vertx --clnrest-port=3010\n")
                .append("or unpack the release archive into lightningd's plugins/ directory (see docs/operations.md, Release archive).\n")
                .append("  bin/clnrest-vertx --version | --help    print and exit, starting nothing\n")
                .append("  java -jar lib/clnrest-vertx.jar --demo   a demo under a simulated lightningd\n\n")
                .append("Options (lightningd's config file or command line):\n");
        for (Option<?> o : Options.ALL) {
            s.append("  --").append(o.name).append('=').append(o.type).append(o.multi ? " (repeatable)" : "")
                    .append(o.dflt == null || (o.dflt instanceof List<?> l && l.isEmpty()) ? "" : "  [default: " + o.dflt + "]")
                    .append("\n      ").append(o.description).append('\n');
            if (o.alias != null) {
                s.append("      (also --").append(o.alias).append(", the CLNRest v23.08 name)\n");
            }
        }
        return s.append("\nLauncher environment: JAVA_HOME, CLNREST_HEAP, CLNREST_HEAP_MIN, CLNREST_TIER, CLNREST_JAVA_OPTS,\n")
                .append("CLNREST_EVENT_LOOPS, CLNREST_LOG_LEVEL, CLNREST_STDERR_LEVEL, CLNREST_VERTX_LEGACY_OPTIONS (see docs/operations.md).\n")
                .toString();
    }
}
