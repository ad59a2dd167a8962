package io.mist.server.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One named SLF4J logger of {@link MistLoggerProvider}: checks the level with one volatile read, and formats and
 * writes enabled events as one line each. Thread-safe; never used on the data path.
 */
final class LineLogger extends LegacyAbstractLogger
{
    private static final long serialVersionUID = 1L;

    private final transient LogSink sink;
    /** Netty logs much at DEBUG: it stays at INFO unless TRACE is asked for. */
    private final boolean quietAtDebug;

    LineLogger(final String name, final LogSink sink)
    {
        this.name = name;
        this.sink = sink;
        this.quietAtDebug = name.startsWith("io.netty");
    }

    private boolean enabled(final Level level)
    {
        final Level threshold = sink.threshold();
        if (quietAtDebug && level.toInt() < Level.INFO.toInt() && threshold != Level.TRACE)
        {
            return false;
        }
        return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled()
    {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled()
    {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled()
    {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled()
    {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled()
    {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName()
    {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(final Level level, final Marker marker, final String pattern,
        final Object[] arguments, final Throwable throwable)
    {
        final String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        String stack = null;
        if (throwable != null)
        {
            final StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            stack = trace.toString();
        }
        sink.write(level, name, message, stack);
    }
}
