package io.mist.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authentication with an auth URL ({@code --auth-url}): a token this server knows (the master token, a registered
 * one, when there is an authenticator) is decided here as before; any other token is decided by the web app
 * ({@link AuthUrl}). Without an authenticator there is no master token and no admin command runs. Thread-safe.
 */
public final class UrlAccessControl implements AccessControl
{
    private static final Logger LOG = LoggerFactory.getLogger("mist.auth");

    private final AccessControl local;
    private final AuthUrl url;
    private final boolean allowAnonymous;
    /** Refusals decided here or by the URL (the authenticator counts its own). */
    private final AtomicLong refusals = new AtomicLong();

    /**
     * @param local the authenticator, or {@link AccessControl#OPEN} without one.
     * @param allowAnonymous whether a connection without a valid token may use the basic commands.
     */
    public UrlAccessControl(final AccessControl local, final AuthUrl url, final boolean allowAnonymous)
    {
        this.local = local;
        this.url = url;
        this.allowAnonymous = allowAnonymous;
    }

    /** The auth URL, for its counters. */
    public AuthUrl url()
    {
        return url;
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

    /**
     * What is known without waiting: this server's tokens and the URL's kept answers; a token whose request is still
     * under way is refused (the request goes on, so its answer is kept for the next check).
     */
    @Override
    public Access check(final String token, final Object source)
    {
        final CompletableFuture<Access> known = checkAsync(token, source);
        return known.isDone() ? known.join() : refused(Access.DENIED);
    }

    @Override
    public CompletableFuture<Access> checkAsync(final String token, final Object source)
    {
        if (token == null || token.isEmpty())
        {
            if (local.enabled())
            {
                return CompletableFuture.completedFuture(local.check(token, source));
            }
            LOG.warn("Authentication failed for {}: no token", source);
            return CompletableFuture.completedFuture(refused(Access.DENIED));
        }
        final Access here = local.find(token);
        if (here.admitted() && local.enabled())
        {
            return CompletableFuture.completedFuture(here);
        }
        final CompletableFuture<Access> asked = url.ask(token, source);
        return asked.isDone() ? CompletableFuture.completedFuture(counted(asked.join())) :
            asked.thenApply(this::counted);
    }

    /** Counts a refusal (the URL logs its own refusals and failures). */
    private Access counted(final Access access)
    {
        return access.admitted() ? access : refused(access);
    }

    private Access refused(final Access access)
    {
        refusals.incrementAndGet();
        return access;
    }

    /** Never the URL: a value that may not be meant as a token stays on this server. */
    @Override
    public Access find(final String token)
    {
        final Access here = local.find(token);
        return here.admitted() && local.enabled() ? here : Access.DENIED;
    }

    @Override
    public CompletableFuture<AdminResult> admin(final String command, final String token, final List<String> tags)
    {
        return local.admin(command, token, tags);
    }

    @Override
    public long failedAttempts()
    {
        return Math.max(0, local.failedAttempts()) + refusals.get();
    }

    @Override
    public void close()
    {
        url.close();
        local.close();
    }
}
