package io.mist.server;

/** The server could not start; the message is printed as it is and the process exits non-zero. */
public final class StartupException extends Exception
{
    private static final long serialVersionUID = 1L;

    public StartupException(final String message)
    {
        super(message);
    }
}
