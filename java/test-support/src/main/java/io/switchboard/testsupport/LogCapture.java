package io.switchboard.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Predicate;

/**
 * Captures the log events of one logger (and its children) for a test to assert on, instead of
 * swapping {@code System.err}. Use in try-with-resources; closing detaches the appender.
 */
public final class LogCapture implements AutoCloseable
{
    private final Logger logger;
    private final Level levelBefore;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(final Logger logger, final Level level)
    {
        this.logger = logger;
        this.levelBefore = logger.getLevel();
        if (level != null)
        {
            logger.setLevel(level);
        }
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures the events of the logger named {@code name}, e.g. a package name. */
    public static LogCapture of(final String name)
    {
        return new LogCapture((Logger)LoggerFactory.getLogger(name), null);
    }

    /**
     * Captures the events of the logger named {@code name} from {@code level} up, whatever level the test
     * configuration gives it (tests log WARN and above): for a test that asserts on INFO events. The logger's
     * level is restored on close.
     */
    public static LogCapture of(final String name, final Level level)
    {
        return new LogCapture((Logger)LoggerFactory.getLogger(name), level);
    }

    /** Captures the events logged by {@code type}'s logger and its children. */
    public static LogCapture of(final Class<?> type)
    {
        return of(type.getName());
    }

    /** A snapshot of the events so far. */
    public List<ILoggingEvent> events()
    {
        synchronized (appender)
        {
            return List.copyOf(appender.list);
        }
    }

    /** The formatted messages so far, with the message of any attached throwable appended. */
    public List<String> messages()
    {
        return events().stream().map(LogCapture::describe).toList();
    }

    /** Whether any event so far matches. */
    public boolean any(final Predicate<ILoggingEvent> match)
    {
        return events().stream().anyMatch(match);
    }

    /** Whether any formatted message (with its throwable's message) contains {@code text}. */
    public boolean contains(final String text)
    {
        return messages().stream().anyMatch(m -> m.contains(text));
    }

    private static String describe(final ILoggingEvent event)
    {
        final var thrown = event.getThrowableProxy();
        return thrown == null
            ? event.getFormattedMessage()
            : event.getFormattedMessage() + " " + thrown.getClassName() + ": " + thrown.getMessage();
    }

    @Override
    public void close()
    {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(levelBefore);
    }
}
