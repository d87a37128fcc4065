package org.clnrest.plugin;

/**
 * The environment variables the plugin reads, in one place. lightningd passes its own environment to plugins,
 * so these are set where lightningd starts (or in {@code bin/clnrest-vertx}'s caller); the launcher's own
 * variables (heap, JDK, tier) are read by {@code bin/clnrest-vertx} itself.
 */
public final class Env {
    private Env() {}

    /** {@code CLNREST_EVENT_LOOPS} (default 1): one event loop keeps a REST call's hops on one thread. */
    public static int eventLoops() {
        return (int) Math.max(1, number("CLNREST_EVENT_LOOPS", 1));
    }

    /** {@code CLNREST_EXIT_DEADLINE_MS} (default 3000): how long in-flight work may take once lightningd says stop. */
    public static long exitDeadlineMs() {
        return number("CLNREST_EXIT_DEADLINE_MS", 3000);
    }

    /** {@code CLNREST_LOG_LEVEL} (default INFO): what goes to lightningd's log. */
    public static String logLevel() {
        return System.getenv("CLNREST_LOG_LEVEL");
    }

    /** {@code CLNREST_STDERR_LEVEL} (default OFF): a copy of the log on stderr. */
    public static String stderrLevel() {
        return System.getenv("CLNREST_STDERR_LEVEL");
    }

    /** {@code CLNREST_VERTX_LEGACY_OPTIONS=false}: declare no rest-* aliases (they clash with c-lightning-REST's). */
    public static boolean legacyAliases() {
        return !"false".equalsIgnoreCase(System.getenv("CLNREST_VERTX_LEGACY_OPTIONS"));
    }

    /** {@code CLNREST_TLS_ENGINE=jdk}: TLS in the JDK's provider instead of BoringSSL. */
    public static boolean jdkTls() {
        return "jdk".equalsIgnoreCase(System.getenv("CLNREST_TLS_ENGINE"));
    }

    private static long number(String name, long dflt) {
        try {
            String v = System.getenv(name);
            return v == null ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
