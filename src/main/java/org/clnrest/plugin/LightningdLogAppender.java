package org.clnrest.plugin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

import org.clnrest.auth.Redact;
import org.clnrest.util.JavaNames;

/**
 * Logback appender that turns log events into lightningd {@code log} notifications, so the plugin's lines
 * land in lightningd's log as {@code plugin-clnrest-vertx: ...}. Outside a plugin process (tests, the demo
 * node) it stays silent and the other appenders of the configuration take over.
 *
 * Every message passes through {@link Redact#runes} (a rune that slipped into a message is cut down to a
 * prefix) and {@link JavaNames#strip} (no class names: operators read this log, not developers).
 */
public class LightningdLogAppender extends AppenderBase<ILoggingEvent> {
    /** Where lines go: set by {@link #connect} once the plugin has its channel; null in any other process. */
    private volatile StdioChannel channel;

    /**
     * Hands {@code channel} to every such appender of the root logger (Logback makes them, from {@link LogSetup} or a
     * configuration file, before {@code main} has the channel).
     */
    public static void connect(StdioChannel channel) {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(a -> {
                if (a instanceof LightningdLogAppender l) {
                    l.channel = channel;
                }
            });
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        StdioChannel channel = this.channel;
        if (channel == null) {
            return;
        }
        String message = event.getFormattedMessage();
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null && thrown.getMessage() != null) {
            // One line, no stack trace and no class name: lightningd's log is read by operators.
            message = message + ": " + thrown.getMessage();
        }
        channel.log(levelName(event.getLevel()), Redact.runes(JavaNames.strip(message)));
    }

    static String levelName(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return "error";
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return "warn";
        }
        if (level.isGreaterOrEqual(Level.INFO)) {
            return "info";
        }
        return "debug";
    }
}
