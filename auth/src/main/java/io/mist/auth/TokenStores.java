package io.mist.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.ServiceLoader;

/** Finds the {@link TokenStoreProvider} for an {@code --authenticator} URI and opens its store. Main thread. */
public final class TokenStores
{
    private TokenStores()
    {
    }

    /** Opens the store for {@code uri}; an unknown scheme fails with mist's {@code Unsupported scheme '<x>'}. */
    public static TokenStore open(final String uri) throws StoreException
    {
        final URI parsed;
        try
        {
            // mist's URIs may have no authority at all (memory://, scribble://?db=DIR), and Go also takes them
            // without the slashes (memory:, scribble:?db=DIR); java.net.URI refuses the first and makes the second
            // opaque, without a query. Both become scheme:///, with an empty authority.
            final String text = uri.trim().replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*):(//)?(?=$|\\?)", "$1:///");
            parsed = new URI(text);
        }
        catch (final URISyntaxException ex)
        {
            throw new StoreException("invalid authenticator URI '" + Redaction.uri(uri) + "': " + ex.getReason());
        }
        if (parsed.getScheme() == null)
        {
            throw new StoreException("invalid authenticator URI '" + Redaction.uri(uri) +
                "': expected scheme://..., e.g. memory://");
        }
        final String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        for (final TokenStoreProvider provider : ServiceLoader.load(TokenStoreProvider.class))
        {
            if (provider.schemes().contains(scheme))
            {
                return provider.open(parsed);
            }
        }
        throw new StoreException("Unsupported scheme '" + scheme + "'");
    }
}
