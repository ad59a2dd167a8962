package io.mist.server;

import java.util.Locale;

/** Parses sizes given as flags: plain bytes or with a {@code k}, {@code m} or {@code g} suffix (powers of 1024). */
final class ByteSize
{
    private ByteSize()
    {
    }

    /** {@link #parse}, where 0 (meaning "the default") is allowed too. */
    static int parseOrZero(final String option, final String value)
    {
        return value.trim().equals("0") ? 0 : parse(option, value);
    }

    static int parse(final String option, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String digits = text;
        if (text.endsWith("k") || text.endsWith("kb") || text.endsWith("kib"))
        {
            multiplier = 1024;
        }
        else if (text.endsWith("m") || text.endsWith("mb") || text.endsWith("mib"))
        {
            multiplier = 1024 * 1024;
        }
        else if (text.endsWith("g") || text.endsWith("gb") || text.endsWith("gib"))
        {
            multiplier = 1024L * 1024 * 1024;
        }
        if (multiplier > 1)
        {
            digits = text.replaceAll("[a-z]+$", "");
        }
        try
        {
            final long bytes = Long.parseLong(digits) * multiplier;
            if (bytes <= 0 || bytes > Integer.MAX_VALUE)
            {
                throw new NumberFormatException();
            }
            return (int)bytes;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + ": invalid size '" + value + "' (e.g. 65536, 64k, 1m)");
        }
    }
}
