package io.mist.transport.isimud;

import io.mist.codec.FrameException;
import io.mist.codec.GrowableBytes;
import io.mist.codec.JsonStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads isimud's messages: one JSON object whose members are strings ({@code {"topic":"…","data":"…"}},
 * {@code {"publisher":"…","topic":"…"}}), by Go-compatible string rules (mist's own decoder). Other members of any
 * type are skipped only when they are strings, numbers, booleans or null; anything else is an error naming why.
 * Allocates (off the data path of mist's own protocols).
 */
final class FlatJson
{
    private FlatJson()
    {
    }

    /** The object's string members; throws {@link IllegalArgumentException} saying what is wrong. */
    static Map<String, String> parse(final byte[] json)
    {
        final Map<String, String> members = new HashMap<>();
        int i = skip(json, 0);
        expect(json, i, '{');
        i = skip(json, i + 1);
        if (i < json.length && json[i] == '}')
        {
            return end(json, i + 1, members);
        }
        final GrowableBytes text = new GrowableBytes(64);
        while (true)
        {
            expect(json, i, '"');
            text.clear();
            i = string(json, i, text);
            final String name = new String(text.array(), 0, text.length(), StandardCharsets.UTF_8);
            i = skip(json, i);
            expect(json, i, ':');
            i = skip(json, i + 1);
            if (i < json.length && json[i] == '"')
            {
                text.clear();
                i = string(json, i, text);
                members.put(name, new String(text.array(), 0, text.length(), StandardCharsets.UTF_8));
            }
            else
            {
                final int start = i;
                while (i < json.length && json[i] != ',' && json[i] != '}' && json[i] > ' ')
                {
                    i++;
                }
                final String literal = new String(json, start, i - start, StandardCharsets.US_ASCII);
                if (!literal.matches("true|false|null|-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?"))
                {
                    throw new IllegalArgumentException("invalid value of '" + name + "'");
                }
                members.put(name, null);
            }
            i = skip(json, i);
            if (i < json.length && json[i] == ',')
            {
                i = skip(json, i + 1);
                continue;
            }
            expect(json, i, '}');
            return end(json, i + 1, members);
        }
    }

    /** The member {@code name}, which must be a string. */
    static String required(final Map<String, String> members, final String name)
    {
        final String value = members.get(name);
        if (value == null)
        {
            throw new IllegalArgumentException(members.containsKey(name) ? "'" + name + "' must be a string" :
                "missing field `" + name + "`");
        }
        return value;
    }

    private static Map<String, String> end(final byte[] json, final int from, final Map<String, String> members)
    {
        if (skip(json, from) != json.length)
        {
            throw new IllegalArgumentException("trailing characters after the object");
        }
        return members;
    }

    private static int string(final byte[] json, final int quote, final GrowableBytes out)
    {
        try
        {
            return JsonStringDecoder.decode(json, quote, json.length, out);
        }
        catch (final FrameException ex)
        {
            throw new IllegalArgumentException(ex.getMessage());
        }
    }

    private static void expect(final byte[] json, final int i, final char c)
    {
        if (i >= json.length || json[i] != c)
        {
            throw new IllegalArgumentException(i >= json.length ? "unexpected end of the JSON" :
                "expected '" + c + "' at byte " + i);
        }
    }

    private static int skip(final byte[] json, final int from)
    {
        int i = from;
        while (i < json.length && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r'))
        {
            i++;
        }
        return i;
    }
}
