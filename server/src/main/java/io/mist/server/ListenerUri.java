package io.mist.server;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A listener as given on the command line, {@code scheme://host:port[/anything]}, as mist reads it: only the scheme
 * and host:port matter. The one place listener URIs are parsed.
 */
public final class ListenerUri
{
    private final String text;
    private final String scheme;
    private final String host;
    private final int port;

    private ListenerUri(final String text, final String scheme, final String host, final int port)
    {
        this.text = text;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
    }

    /** Parses a listener URI; throws {@link IllegalArgumentException} naming what is wrong. */
    public static ListenerUri parse(final String text)
    {
        final String trimmed = text.trim();
        final URI uri;
        try
        {
            uri = new URI(trimmed);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("invalid listener '" + text + "': " + ex.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0)
        {
            throw new IllegalArgumentException(
                "invalid listener '" + text + "': expected scheme://host:port, e.g. tcp://127.0.0.1:1445");
        }
        if (uri.getPort() > 65535)
        {
            throw new IllegalArgumentException("invalid listener '" + text + "': port out of range");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        return new ListenerUri(trimmed, uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort());
    }

    public String scheme()
    {
        return scheme;
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    public InetSocketAddress socketAddress()
    {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString()
    {
        return text;
    }
}
