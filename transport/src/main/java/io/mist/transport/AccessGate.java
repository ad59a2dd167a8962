package io.mist.transport;

/**
 * Decides whether a token opens a connection, for listeners that see the token before the connection starts
 * (WebSocket upgrade, HTTP request). {@link #OPEN} when no authenticator is configured. Called on IO threads; must be
 * thread-safe and must not block.
 */
public interface AccessGate
{
    /** No authentication: every request is admitted and tokens are ignored. */
    AccessGate OPEN = new AccessGate()
    {
        @Override
        public boolean enabled()
        {
            return false;
        }

        @Override
        public boolean admits(final String token)
        {
            return true;
        }
    };

    /** Whether tokens are checked at all. */
    boolean enabled();

    /** @param token the token presented, or null when none was. */
    boolean admits(String token);
}
