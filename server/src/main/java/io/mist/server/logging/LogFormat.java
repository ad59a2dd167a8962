package io.mist.server.logging;

import java.util.Locale;

/** How log lines look: mist's text lines, or one JSON object per line for log shippers. */
public enum LogFormat
{
    TEXT,
    JSON;

    /** Parses {@code --log-format}; the error names the flag. */
    public static LogFormat parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("expected text or json, got '" + text + "'");
        }
    }
}
