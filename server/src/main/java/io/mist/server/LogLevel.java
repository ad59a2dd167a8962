package io.mist.server;

import org.slf4j.event.Level;

import java.util.Locale;

/** mist's log levels ({@code TRACE} to {@code FATAL}, case-insensitive); FATAL logs as ERROR. */
public enum LogLevel
{
    TRACE(Level.TRACE),
    DEBUG(Level.DEBUG),
    INFO(Level.INFO),
    WARN(Level.WARN),
    ERROR(Level.ERROR),
    FATAL(Level.ERROR);

    private final Level slf4jLevel;

    LogLevel(final Level slf4jLevel)
    {
        this.slf4jLevel = slf4jLevel;
    }

    /** The SLF4J level this maps to (FATAL has none: ERROR). */
    public Level slf4jLevel()
    {
        return slf4jLevel;
    }

    /** Parses a level; unknown names are an error (mist silently fell back to TRACE). */
    public static LogLevel parse(final String value)
    {
        try
        {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(
                "unknown log level '" + value + "' (expected TRACE, DEBUG, INFO, WARN, ERROR or FATAL)");
        }
    }
}
