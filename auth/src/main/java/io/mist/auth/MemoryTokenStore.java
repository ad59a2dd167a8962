package io.mist.auth;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code memory://}: tokens live only in the process and are gone on restart, as mist's memory authenticator.
 * Written by the server's one admin thread.
 */
public final class MemoryTokenStore implements TokenStore
{
    private final Map<String, Set<String>> tokens = new HashMap<>();

    @Override
    public Map<String, Set<String>> load()
    {
        return Map.copyOf(tokens);
    }

    @Override
    public void register(final String token, final Set<String> tags)
    {
        tokens.put(token, new HashSet<>(tags));
    }

    @Override
    public void unregister(final String token)
    {
        tokens.remove(token);
    }

    @Override
    public void addTags(final String token, final Set<String> tags)
    {
        tokens.computeIfAbsent(token, t -> new HashSet<>()).addAll(tags);
    }

    @Override
    public void removeTags(final String token, final Set<String> tags)
    {
        final Set<String> held = tokens.get(token);
        if (held != null)
        {
            held.removeAll(tags);
        }
    }

    @Override
    public String describe()
    {
        return "memory://";
    }

    @Override
    public void close()
    {
    }

    /** The {@code memory} scheme. */
    public static final class Provider implements TokenStoreProvider
    {
        @Override
        public Set<String> schemes()
        {
            return Set.of("memory");
        }

        @Override
        public TokenStore open(final URI uri)
        {
            return new MemoryTokenStore();
        }
    }
}
