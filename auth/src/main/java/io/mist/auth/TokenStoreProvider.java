package io.mist.auth;

import java.net.URI;
import java.util.Set;

/**
 * Opens a {@link TokenStore} for the URI schemes it names: the {@link java.util.ServiceLoader} service through which
 * users add authenticators of their own (list the class in
 * {@code META-INF/services/io.mist.auth.TokenStoreProvider}). Called once at startup, on the main thread.
 */
public interface TokenStoreProvider
{
    /** The URI schemes served, lower case (e.g. {@code memory}). */
    Set<String> schemes();

    /** Opens the store, creating what it needs (a directory, tables); the error says what is wrong with the URI. */
    TokenStore open(URI uri) throws StoreException;
}
