package io.mist.auth;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live tags of one registered token, shared by every connection it opened. The admin thread replaces the tag
 * set (or revokes the token) and then tells each connection's {@link Listener}; connections read {@link #tags()}
 * on their own threads. Thread-safe.
 */
public final class TokenGrant
{
    /** Told about changes to a grant; called on the admin thread, so it must hand work to its own thread. */
    public interface Listener
    {
        void grantChanged(TokenGrant grant);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Set<String> tags;
    private volatile boolean revoked;

    TokenGrant(final Set<String> tags)
    {
        this.tags = Set.copyOf(tags);
    }

    /** The granted tags now (immutable). */
    public Set<String> tags()
    {
        return tags;
    }

    /** The token was unregistered: its connections must close. */
    public boolean revoked()
    {
        return revoked;
    }

    public void addListener(final Listener listener)
    {
        listeners.add(listener);
    }

    public void removeListener(final Listener listener)
    {
        listeners.remove(listener);
    }

    void replace(final Set<String> newTags)
    {
        tags = Set.copyOf(newTags);
        notifyListeners();
    }

    void revoke()
    {
        revoked = true;
        notifyListeners();
    }

    private void notifyListeners()
    {
        for (final Listener listener : listeners)
        {
            listener.grantChanged(this);
        }
    }
}
