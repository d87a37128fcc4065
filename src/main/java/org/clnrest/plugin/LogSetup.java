package org.clnrest.plugin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration, in code: the same as {@code conf/logback.xml} ({@code LogSetupTest} holds them
 * together), without parsing XML at start-up
 * (Joran and the XML parser load some 600 classes, a good part of the plugin's start-up time).
 * {@code -Dlogback.configurationFile=conf/logback.xml} (or any file) still takes over.
 *
 * Levels: {@code CLNREST_LOG_LEVEL} (default INFO) for what goes to lightningd as {@code log} notifications;
 * {@code CLNREST_STDERR_LEVEL} (default OFF) for a copy on stderr.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public class LogSetup extends ContextAwareBase implements Configurator {
    /** Libraries whose INFO lines are noise to an operator: WARN and above only. */
    static final String[] QUIET = {"io.netty", "io.vertx", "com.hazelcast"};
    /** The stderr copy's line. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(Env.logLevel(), Level.INFO));
        LightningdLogAppender lightningd = new LightningdLogAppender();
        lightningd.setContext(context);
        lightningd.setName("LIGHTNINGD");
        lightningd.start();
        root.addAppender(lightningd);

        Level stderr = Level.toLevel(Env.stderrLevel(), Level.OFF);
        if (stderr != Level.OFF) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(PATTERN);
            encoder.start();
            ThresholdFilter threshold = new ThresholdFilter();
            threshold.setLevel(stderr.levelStr);
            threshold.start();
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(context);
            console.setName("STDERR");
            console.setTarget("System.err");
            console.setEncoder(encoder);
            console.addFilter(threshold);
            console.start();
            root.addAppender(console);
        }
        for (String noisy : QUIET) {
            context.getLogger(noisy).setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
