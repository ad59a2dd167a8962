package io.mist.auth;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's authentication: whether it is on, what a presented token opens, and the admin commands that manage
 * tokens. {@link #OPEN} when no authenticator is configured. {@link #check} is called on IO threads and never waits
 * on a store; admin commands complete later, off the data path. Thread-safe.
 */
public interface AccessControl extends AutoCloseable
{
    /** No authenticator: every connection is anonymous, tokens are ignored, admin commands do not exist. */
    AccessControl OPEN = new AccessControl()
    {
        @Override
        public boolean enabled()
        {
            return false;
        }

        @Override
        public boolean allowsAnonymous()
        {
            return true;
        }

        @Override
        public Access check(final String token, final Object source)
        {
            return Access.ANONYMOUS;
        }

        @Override
        public Access find(final String token)
        {
            return Access.ANONYMOUS;
        }

        @Override
        public CompletableFuture<AdminResult> admin(final String command, final String token, final List<String> tags)
        {
            throw new IllegalStateException("no authenticator: admin commands do not exist");
        }

        @Override
        public void close()
        {
        }
    };

    /** Whether tokens are checked at all. */
    boolean enabled();

    /** Whether a connection without a valid token may use the basic commands ({@code --allow-anonymous}). */
    boolean allowsAnonymous();

    /**
     * What {@code token} opens; a refusal is counted and logged with {@code source} (the client's address), never
     * the token. Constant-time in the token's value.
     *
     * @param token the token presented; null or empty when none was.
     */
    Access check(String token, Object source);

    /**
     * What {@code token} opens, without counting or logging a refusal: for a value that may not be meant as a token
     * (the {@code data} of a first message that is not {@code auth}, on a server that admits anonymous clients).
     * Constant-time in the token's value.
     */
    Access find(String token);

    /**
     * What {@code token} opens, asking the auth URL ({@code --auth-url}) when nothing on this server knows the token:
     * then the future completes later, on another thread, and the caller waits without blocking its own. Otherwise
     * it is {@link #check}'s answer, already complete. Refusals are counted and logged as {@link #check}'s.
     */
    default CompletableFuture<Access> checkAsync(final String token, final Object source)
    {
        return CompletableFuture.completedFuture(check(token, source));
    }

    /** Connections refused for a missing, wrong or undecided token since start; negative while auth is off. */
    default long failedAttempts()
    {
        return enabled() ? 0 : -1;
    }

    /**
     * Runs an admin command ({@code register}, {@code unregister}, {@code set}, {@code unset}, {@code tags}) on
     * the admin thread; the result is what the store really did.
     */
    CompletableFuture<AdminResult> admin(String command, String token, List<String> tags);

    @Override
    void close();
}
