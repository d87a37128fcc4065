package org.clnrest.notify;

/**
 * Every timer of the notification transports, in milliseconds. The defaults are the reference Socket.IO server's
 * (pingInterval 25 s, pingTimeout 20 s: a silent client is closed 45 s after its last pong; upgradeTimeout 10 s),
 * but connectTimeout 10 s instead of 45 s (a server setting, not advertised: a session no namespace CONNECT was
 * accepted for is a stranger's, and lives seconds, issue 22; clients CONNECT right after the handshake) plus this plugin's own: runeRecheck (how often connected clients' runes are checked
 * again: one checkrune per distinct rune every 3 s, so that a blacklisted rune loses its notifications within 5 s,
 * issue 22; lightningd tells plugins nothing when a rune is blacklisted) and auth (how long a plain WebSocket may take to send its rune as its first frame).
 *
 * Tests shorten them with system properties ({@code CLNREST_JAVA_OPTS=-Dclnrest.notify.pingIntervalMs=300 ...});
 * they are not options, since the protocol's values are the ones clients expect.
 */
public record Timeouts(long pingIntervalMs, long pingTimeoutMs, long connectTimeoutMs, long upgradeTimeoutMs,
                       long runeRecheckMs, long authMs) {

    public static final Timeouts DEFAULTS = new Timeouts(25_000, 20_000, 10_000, 10_000, 3_000, 5_000);

    /** The defaults, each replaced by its system property {@code clnrest.notify.<name>Ms} when set. */
    public static Timeouts fromSystemProperties() {
        return new Timeouts(
                Long.getLong("clnrest.notify.pingIntervalMs", DEFAULTS.pingIntervalMs),
                Long.getLong("clnrest.notify.pingTimeoutMs", DEFAULTS.pingTimeoutMs),
                Long.getLong("clnrest.notify.connectTimeoutMs", DEFAULTS.connectTimeoutMs),
                Long.getLong("clnrest.notify.upgradeTimeoutMs", DEFAULTS.upgradeTimeoutMs),
                Long.getLong("clnrest.notify.runeRecheckMs", DEFAULTS.runeRecheckMs),
                Long.getLong("clnrest.notify.authMs", DEFAULTS.authMs));
    }
}
