package io.mist.transport.http;

import java.nio.charset.StandardCharsets;

/**
 * mist's router answers a request whose path is not clean ({@code //ping}, {@code /a/../ping}, {@code /./ping})
 * with {@code 301} to the clean path, as Go's {@code path.Clean} makes it: repeated slashes become one, {@code .}
 * elements go, {@code ..} removes the element before it (and nothing at the root), and a trailing slash stays.
 * Stateless.
 */
final class CleanPath
{
    /** Besides letters and digits, what a path may hold unescaped (RFC 3986 unreserved, sub-delims, ':', '@'). */
    private static final String PATH_SAFE = "-._~!$&'()*+,;=:@/";

    private CleanPath()
    {
    }

    /** The clean form of a decoded, rooted {@code path}; the same instance when it is clean already. */
    static String of(final String path)
    {
        final String[] elements = path.split("/", -1);
        final StringBuilder clean = new StringBuilder(path.length());
        final int[] starts = new int[elements.length];
        int depth = 0;
        for (final String element : elements)
        {
            if (element.isEmpty() || element.equals("."))
            {
                continue;
            }
            if (element.equals(".."))
            {
                if (depth > 0)
                {
                    clean.setLength(starts[--depth]);
                }
                continue;
            }
            starts[depth++] = clean.length();
            clean.append('/').append(element);
        }
        if (clean.length() == 0)
        {
            clean.append('/');
        }
        else if (path.endsWith("/"))
        {
            clean.append('/');
        }
        final String result = clean.toString();
        return result.equals(path) ? path : result;
    }

    /** {@code path} percent-encoded for a {@code Location} header: what is not allowed in a path is escaped. */
    static String encode(final String path)
    {
        final StringBuilder out = new StringBuilder(path.length() + 8);
        for (final byte b : path.getBytes(StandardCharsets.UTF_8))
        {
            final int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || PATH_SAFE.indexOf(c) >= 0)
            {
                out.append((char)c);
            }
            else
            {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
