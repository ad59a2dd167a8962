package io.mist.server.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's SLF4J backend, found by SLF4J through {@code META-INF/services}: small and dependency-free, lines on
 * stdout in mist's format or as JSON ({@code --log-format json}). {@link #configure} is called once by the command
 * line before the server starts; loggers are thread-safe.
 */
public final class MistLoggerProvider implements SLF4JServiceProvider, ILoggerFactory
{
    private static final LogSink SINK = new LogSink();

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Sets the level threshold, the format and the stream of every logger, now and later. */
    public static void configure(final Level threshold, final LogFormat format, final PrintStream out)
    {
        SINK.configure(threshold, format, out);
    }

    @Override
    public Logger getLogger(final String name)
    {
        return loggers.computeIfAbsent(name, n -> new LineLogger(n, SINK));
    }

    @Override
    public ILoggerFactory getLoggerFactory()
    {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory()
    {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter()
    {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion()
    {
        return "2.0.99";
    }

    @Override
    public void initialize()
    {
    }
}
