package io.mist.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authentication with an authenticator: the master token and an in-memory snapshot of every registered token and
 * its tags, loaded from the {@link TokenStore} at start. IO threads {@link #check} tokens against the snapshot and
 * never wait on the store. Admin commands run one at a time on the {@code mist-auth} thread: each is checked against
 * the snapshot, written to the store, and only when the store succeeded applied to the snapshot and to the open
 * connections of the token; the result says what happened. Tokens are held and compared as SHA-256 digests
 * ({@link MessageDigest#isEqual}, constant-time), and never logged.
 */
public final class TokenRegistry implements AccessControl
{
    private static final Logger LOG = LoggerFactory.getLogger("mist.auth");
    static final String ALREADY_EXISTS = "Token already exists\n";
    static final String NOT_FOUND = "Token not found\n";
    static final String EMPTY_TOKEN = "Token must not be empty\n";
    static final String MASTER_TOKEN = "Token is the master token\n";

    private final TokenStore store;
    private final byte[] masterDigest;
    private final boolean allowAnonymous;
    /** Digest (hex) of each registered token → its live grant. Replaced entries are revoked. */
    private final Map<String, TokenGrant> grants = new ConcurrentHashMap<>();
    private final ExecutorService adminThread = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "mist-auth");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile Runnable changed = () ->
    {
    };

    /** Loads every token from {@code store}; throws when the store cannot be read. */
    public TokenRegistry(final TokenStore store, final String masterToken, final boolean allowAnonymous)
        throws StoreException
    {
        if (masterToken == null || masterToken.isEmpty())
        {
            throw new StoreException("An authenticator has been specified but no token provided!");
        }
        this.store = store;
        this.masterDigest = digest(masterToken);
        this.allowAnonymous = allowAnonymous;
        for (final Map.Entry<String, Set<String>> entry : store.load().entrySet())
        {
            grants.put(hex(digest(entry.getKey())), new TokenGrant(entry.getValue()));
        }
        LOG.info("Authentication on: {} with {}{}", store.describe(), count(grants.size(), "registered token"),
            allowAnonymous ? "; connections without a token may use the basic commands" : "");
    }

    @Override
    public boolean enabled()
    {
        return true;
    }

    @Override
    public boolean allowsAnonymous()
    {
        return allowAnonymous;
    }

    @Override
    public Access check(final String token, final Object source)
    {
        final Access found = find(token);
        if (found.admitted())
        {
            return found;
        }
        final long failures = failedAttempts.incrementAndGet();
        LOG.warn("Authentication failed for {}: {} token ({} so far)", source,
            token == null || token.isEmpty() ? "no" : "a wrong", count(failures, "failed attempt"));
        return found;
    }

    @Override
    public Access find(final String token)
    {
        if (token != null && !token.isEmpty())
        {
            final byte[] digest = digest(token);
            if (MessageDigest.isEqual(digest, masterDigest))
            {
                return Access.ADMIN;
            }
            final TokenGrant grant = grants.get(hex(digest));
            if (grant != null)
            {
                return Access.restricted(grant);
            }
        }
        return Access.DENIED;
    }

    /** "1 registered token", "2 registered tokens". */
    private static String count(final long n, final String noun)
    {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    @Override
    public long failedAttempts()
    {
        return failedAttempts.get();
    }

    @Override
    public CompletableFuture<AdminResult> admin(final String command, final String token, final List<String> tags)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            final AdminResult result = run(command, token == null ? "" : token, new TreeSet<>(tags));
            if (result.error() == null && !command.equals("tags"))
            {
                changed.run();
            }
            return result;
        }, adminThread);
    }

    /** Runs {@code listener} on the admin thread after each admin command that changed the store. */
    public void onChange(final Runnable listener)
    {
        changed = listener;
    }

    /** Whether the store is one several servers share (see {@link TokenStore#shared()}). */
    public boolean sharedStore()
    {
        return store.shared();
    }

    /** The store's description for logs. */
    public String describeStore()
    {
        return store.describe();
    }

    /**
     * Reads every token from the store again and applies what changed there (another server's admin commands):
     * new tokens open connections, changed tags apply to open ones at once, removed tokens' connections are closed.
     * On the admin thread, after the commands already queued; a store failure is logged and changes nothing.
     */
    public CompletableFuture<Void> reload()
    {
        return CompletableFuture.runAsync(() ->
        {
            final Map<String, Set<String>> loaded;
            try
            {
                loaded = store.load();
            }
            catch (final StoreException ex)
            {
                LOG.error("Reloading the tokens failed; keeping the ones known: {}", ex.getMessage());
                return;
            }
            final Map<String, Set<String>> byDigest = new java.util.HashMap<>();
            for (final Map.Entry<String, Set<String>> entry : loaded.entrySet())
            {
                byDigest.put(hex(digest(entry.getKey())), entry.getValue());
            }
            for (final String key : new ArrayList<>(grants.keySet()))
            {
                if (!byDigest.containsKey(key))
                {
                    grants.remove(key).revoke();
                }
            }
            for (final Map.Entry<String, Set<String>> entry : byDigest.entrySet())
            {
                final TokenGrant grant = grants.get(entry.getKey());
                if (grant == null)
                {
                    grants.put(entry.getKey(), new TokenGrant(entry.getValue()));
                }
                else if (!grant.tags().equals(entry.getValue()))
                {
                    grant.replace(entry.getValue());
                }
            }
        }, adminThread);
    }

    private AdminResult run(final String command, final String token, final Set<String> tags)
    {
        final byte[] digest = digest(token);
        final String key = hex(digest);
        final TokenGrant grant = grants.get(key);
        try
        {
            switch (command)
            {
                case "register":
                    if (token.isEmpty())
                    {
                        return AdminResult.error(EMPTY_TOKEN);
                    }
                    if (MessageDigest.isEqual(digest, masterDigest))
                    {
                        return AdminResult.error(MASTER_TOKEN);
                    }
                    if (grant != null)
                    {
                        return AdminResult.error(ALREADY_EXISTS);
                    }
                    store.register(token, tags);
                    grants.put(key, new TokenGrant(tags));
                    return AdminResult.DONE;
                case "unregister":
                    store.unregister(token);
                    if (grant != null)
                    {
                        grants.remove(key);
                        grant.revoke();
                    }
                    return AdminResult.DONE;
                case "set":
                    if (grant == null)
                    {
                        return AdminResult.error(NOT_FOUND);
                    }
                    store.addTags(token, tags);
                    final Set<String> added = new HashSet<>(grant.tags());
                    added.addAll(tags);
                    grant.replace(added);
                    return AdminResult.DONE;
                case "unset":
                    if (grant == null)
                    {
                        return AdminResult.error(NOT_FOUND);
                    }
                    store.removeTags(token, tags);
                    final Set<String> kept = new HashSet<>(grant.tags());
                    kept.removeAll(tags);
                    grant.replace(kept);
                    return AdminResult.DONE;
                case "tags":
                    if (grant == null)
                    {
                        return AdminResult.error(NOT_FOUND);
                    }
                    return AdminResult.tags(new ArrayList<>(new TreeSet<>(grant.tags())));
                default:
                    throw new IllegalArgumentException("not an admin command: " + command);
            }
        }
        catch (final StoreException ex)
        {
            LOG.error("Admin command '{}' failed in the token store: {}", command, ex.getMessage());
            return AdminResult.error(ex.getMessage().endsWith("\n") ? ex.getMessage() : ex.getMessage() + "\n");
        }
    }

    /** Stops the admin thread (after the command in progress) and closes the store. Main thread, at shutdown. */
    @Override
    public void close()
    {
        adminThread.shutdown();
        try
        {
            adminThread.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private static byte[] digest(final String token)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    private static String hex(final byte[] digest)
    {
        return HexFormat.of().formatHex(digest);
    }
}
