package io.mist.auth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The query parameters of an authenticator URI ({@code ?db=...&sslmode=...}), decoded; the last one wins. */
final class QueryParameters
{
    private QueryParameters()
    {
    }

    static Map<String, String> of(final URI uri)
    {
        final Map<String, String> parameters = new HashMap<>();
        final String query = uri.getRawQuery();
        if (query == null)
        {
            return parameters;
        }
        for (final String pair : query.split("&"))
        {
            if (pair.isEmpty())
            {
                continue;
            }
            final int equals = pair.indexOf('=');
            final String name = equals < 0 ? pair : pair.substring(0, equals);
            final String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
