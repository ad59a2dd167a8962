package io.mist.auth;

import java.util.Map;
import java.util.Set;

/**
 * Where tokens and their tags live (an authenticator's backend, chosen by the {@code --authenticator} URI's scheme).
 * The server reads everything once with {@link #load()} and keeps its own snapshot; afterwards it calls the write
 * methods only after checking them against that snapshot (so a store need not report "not found" itself), and only
 * from one thread, never from the data path. A write returns only once it is durable; a failure throws.
 */
public interface TokenStore extends AutoCloseable
{
    /** Every token and its tags. */
    Map<String, Set<String>> load() throws StoreException;

    /** Creates a token (which does not exist yet) with its tags. */
    void register(String token, Set<String> tags) throws StoreException;

    /** Deletes a token and its tags (it may not exist). */
    void unregister(String token) throws StoreException;

    /** Adds tags to an existing token; tags it already has are kept once. */
    void addTags(String token, Set<String> tags) throws StoreException;

    /** Removes tags from an existing token; tags it does not have are ignored. */
    void removeTags(String token, Set<String> tags) throws StoreException;

    /** The store for logs, without secrets (e.g. {@code postgres://mist@db:5432?db=mist}). */
    String describe();

    /**
     * Whether several servers can use the store at once and see each other's writes (a database): then the nodes of
     * a cluster share their tokens. A store in one process's memory or on its own disk is not.
     */
    default boolean shared()
    {
        return false;
    }

    @Override
    void close();
}
