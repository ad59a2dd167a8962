package io.mist.auth;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how tokens nothing on this server knows are decided by the web app ({@code --auth-url}): the URL asked
 * with {@code GET} and {@code Authorization: Bearer TOKEN}, how long its answers are kept ({@code --auth-url-cache},
 * 0 for not at all) and how long it may take ({@code --auth-url-timeout}). Validated here, with the flag named.
 */
public record AuthUrlOptions(URI url, Duration cacheFor, Duration timeout)
{
    /** isimud's connect timeout for its AUTH_URL. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CACHE = Duration.ofSeconds(10);

    public AuthUrlOptions
    {
        final String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) ||
            url.getHost() == null || url.getHost().isEmpty())
        {
            throw new IllegalArgumentException("--auth-url must be an http:// or https:// URL with a host, got '" +
                Redaction.uri(url.toString()) + "'");
        }
        if (cacheFor.isNegative())
        {
            throw new IllegalArgumentException("--auth-url-cache must be 0 (no cache) or more");
        }
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("--auth-url-timeout must be more than 0");
        }
    }

    /**
     * Parses {@code --auth-url}; null when {@code url} is null or blank.
     *
     * @throws IllegalArgumentException naming the flag, for a URL that is not one.
     */
    public static AuthUrlOptions parse(final String url, final Duration cacheFor, final Duration timeout)
    {
        if (url == null || url.isBlank())
        {
            return null;
        }
        try
        {
            return new AuthUrlOptions(new URI(url.trim()), cacheFor, timeout);
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IllegalArgumentException("--auth-url is not a URL: " + ex.getReason());
        }
    }

    /** The URL for logs, its password (if any) hidden. */
    public String describe()
    {
        return Redaction.uri(url.toString());
    }
}
