package io.mist.auth;

/**
 * A token store could not do what was asked. Its message is what the client or the operator is told: for an admin
 * command, mist's error strings ("Token already exists\n", "Token not found\n"); for a store failure, what failed,
 * never a token's value.
 */
public final class StoreException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final boolean unavailable;

    public StoreException(final String message)
    {
        this(message, null, false);
    }

    public StoreException(final String message, final Throwable cause)
    {
        this(message, cause, false);
    }

    private StoreException(final String message, final Throwable cause, final boolean unavailable)
    {
        super(message, cause);
        this.unavailable = unavailable;
    }

    /** The store could not be reached (a database down or still starting): the same request may work later. */
    public static StoreException unavailable(final String message, final Throwable cause)
    {
        return new StoreException(message, cause, true);
    }

    /** Whether the store could not be reached, rather than refusing the request or being misconfigured. */
    public boolean isUnavailable()
    {
        return unavailable;
    }
}
