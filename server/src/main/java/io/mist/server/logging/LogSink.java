package io.mist.server.logging;

import org.slf4j.event.Level;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Where every logger writes: stdout, one line per event, as mist's {@code <date> <time> [mist] <LEVEL> <message>}
 * or as a JSON object ({@code time}, {@code level}, {@code logger}, {@code message}, {@code error}). The threshold
 * and format are set once at startup ({@link MistLoggerProvider#configure}). Thread-safe: lines never interleave.
 */
final class LogSink
{
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    private volatile Level threshold = Level.INFO;
    private volatile LogFormat format = LogFormat.TEXT;
    private volatile PrintStream out = System.out;

    Level threshold()
    {
        return threshold;
    }

    void configure(final Level newThreshold, final LogFormat newFormat, final PrintStream newOut)
    {
        this.threshold = newThreshold;
        this.format = newFormat;
        this.out = newOut;
    }

    void write(final Level level, final String logger, final String message, final String stack)
    {
        final Instant now = Instant.now();
        final String line;
        if (format == LogFormat.JSON)
        {
            final StringBuilder json = new StringBuilder(96 + message.length());
            json.append("{\"time\":\"").append(now).append("\",\"level\":\"").append(level).append("\",\"logger\":");
            quote(json, logger);
            json.append(",\"message\":");
            quote(json, message);
            if (stack != null)
            {
                json.append(",\"error\":");
                quote(json, stack);
            }
            line = json.append('}').toString();
        }
        else
        {
            line = TEXT_TIME.format(now) + " [mist] " + level + " " + message + (stack == null ? "" : "\n" + stack);
        }
        final PrintStream target = out;
        synchronized (this)
        {
            target.println(line);
            target.flush();
        }
    }

    private static void quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c == '\n')
            {
                out.append("\\n");
            }
            else if (c == '\r')
            {
                out.append("\\r");
            }
            else if (c == '\t')
            {
                out.append("\\t");
            }
            else if (c < 0x20 || c == '\u2028' || c == '\u2029')
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        out.append('"');
    }
}
