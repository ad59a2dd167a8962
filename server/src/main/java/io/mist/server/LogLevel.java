package io.mist.server;

import java.util.Locale;

/** mist's log levels ({@code TRACE} to {@code FATAL}, case-insensitive); FATAL logs as ERROR. */
public enum LogLevel
{
    TRACE("trace"),
    DEBUG("debug"),
    INFO("info"),
    WARN("warn"),
    ERROR("error"),
    FATAL("error");

    private final String backendLevel;

    LogLevel(final String backendLevel)
    {
        this.backendLevel = backendLevel;
    }

    /** The level name the logging backend understands. */
    public String backendLevel()
    {
        return backendLevel;
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
