package io.mist.auth;

/**
 * A token store could not do what was asked. Its message is what the client or the operator is told: for an admin
 * command, mist's error strings ("Token already exists\n", "Token not found\n"); for a store failure, what failed,
 * never a token's value.
 */
public final class StoreException extends Exception
{
    private static final long serialVersionUID = 1L;

    public StoreException(final String message)
    {
        super(message);
    }

    public StoreException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
