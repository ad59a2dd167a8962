package io.mist.transport.msgbus;

import io.mist.retention.RetainedMessage;
import io.mist.retention.RetainedTopic;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;

/**
 * msgbus's JSON, byte for byte as Go's {@code encoding/json} writes its structs: a topic
 * {@code {"name","ttl","seq","created"}} (ttl in nanoseconds), a message {@code {"id","topic","payload","created"}}
 * (payload in base64, as Go writes a {@code []byte}), times in RFC 3339 with nanoseconds and no trailing zeros, as
 * Go's {@code time.Time} (in UTC). Strings escaped as Go does, {@code <}, {@code >} and {@code &} included. Any thread.
 */
final class MsgbusJson
{
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
        .withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MsgbusJson()
    {
    }

    /** {@code GET /}: every topic by name, in name order (as Go marshals a map). */
    static byte[] topics(final Collection<RetainedTopic> topics)
    {
        final StringBuilder out = new StringBuilder(64 + 96 * topics.size()).append('{');
        boolean first = true;
        for (final RetainedTopic topic : topics)
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            string(out, topic.name());
            out.append(':');
            topic(out, topic);
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One message, as a pull answers it. */
    static byte[] message(final RetainedTopic topic, final RetainedMessage message, final byte[] payload)
    {
        return encode(topic, message, payload).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One message and a newline, as a WebSocket sends it (Go's {@code WriteJSON} ends it so). */
    static byte[] line(final RetainedTopic topic, final RetainedMessage message, final byte[] payload)
    {
        return encode(topic, message, payload).append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder encode(final RetainedTopic topic, final RetainedMessage message,
        final byte[] payload)
    {
        final StringBuilder out = new StringBuilder(160 + payload.length * 4 / 3);
        out.append("{\"id\":").append(message.id()).append(",\"topic\":");
        topic(out, topic);
        out.append(",\"payload\":\"").append(Base64.getEncoder().encodeToString(payload))
            .append("\",\"created\":");
        time(out, message.createdEpochNanos());
        return out.append('}');
    }

    private static void topic(final StringBuilder out, final RetainedTopic topic)
    {
        out.append("{\"name\":");
        string(out, topic.name());
        out.append(",\"ttl\":").append(topic.ttlNanos()).append(",\"seq\":").append(topic.sequence())
            .append(",\"created\":");
        time(out, topic.createdEpochNanos());
        out.append('}');
    }

    /** Go's RFC3339Nano: the fraction without trailing zeros, none at all on a whole second. */
    static void time(final StringBuilder out, final long epochNanos)
    {
        final Instant at = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
            Math.floorMod(epochNanos, 1_000_000_000L));
        out.append('"').append(SECONDS.format(at));
        int nanos = at.getNano();
        if (nanos != 0)
        {
            int digits = 9;
            while (nanos % 10 == 0)
            {
                nanos /= 10;
                digits--;
            }
            final String fraction = Integer.toString(nanos);
            out.append('.');
            for (int i = fraction.length(); i < digits; i++)
            {
                out.append('0');
            }
            out.append(fraction);
        }
        out.append("Z\"");
    }

    /** A JSON string as Go's encoder writes it. */
    static void string(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029')
                    {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                            .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
