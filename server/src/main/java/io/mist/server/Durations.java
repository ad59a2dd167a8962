package io.mist.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations given as flags: {@code 0}, or a whole number with {@code ms}, {@code s}, {@code m} or {@code h}. */
final class Durations
{
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    private Durations()
    {
    }

    static Duration parse(final String option, final String value)
    {
        final Matcher matcher = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches() || (matcher.group(2) == null && !matcher.group(1).equals("0")))
        {
            throw new IllegalArgumentException(option + ": invalid duration '" + value + "' (e.g. 0, 500ms, 10s, 1m)");
        }
        final long amount = Long.parseLong(matcher.group(1));
        final String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        switch (unit)
        {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    /** {@code duration} as a flag would give it: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
    static String format(final Duration duration)
    {
        final long millis = duration.toMillis();
        if (millis == 0)
        {
            return "0";
        }
        if (millis % 3_600_000 == 0)
        {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0)
        {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
