package org.clnrest.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.ConsoleAppender;

import org.junit.jupiter.api.Test;

/** {@code conf/logback.xml} (the operator's file) and {@link LogSetup} (the same, in code) say the same thing. */
class LogSetupTest {

    /** Every logger given a level, with its level; the root's appenders; the stderr pattern. */
    static Map<String, String> described(LoggerContext context) {
        Map<String, String> out = new TreeMap<>();
        for (Logger l : context.getLoggerList()) {
            if (l.getLevel() != null) {
                out.put("level " + l.getName(), l.getLevel().levelStr);
            }
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        out.put("appender LIGHTNINGD", root.getAppender("LIGHTNINGD").getClass().getName());
        return out;
    }

    @Test
    void theFileAndTheCodeAgree() throws Exception {
        LoggerContext file = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(file);
        joran.doConfigure(Path.of("conf", "logback.xml").toFile());

        LoggerContext code = new LoggerContext();
        LogSetup setup = new LogSetup();
        setup.setContext(code);
        setup.configure(code);

        assertEquals(described(file), described(code));
        // The file always declares the stderr copy (its threshold OFF unless CLNREST_STDERR_LEVEL says otherwise);
        // the code adds it only when asked: the line it prints is the same.
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) file.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertEquals(LogSetup.PATTERN, ((PatternLayoutEncoder) stderr.getEncoder()).getPattern());
        assertEquals("System.err", stderr.getTarget());
    }
}
