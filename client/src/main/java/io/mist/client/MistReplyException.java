package io.mist.client;

/** The server answered a command with an error (e.g. {@code Token not found}); the message is the server's. */
public final class MistReplyException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String command;

    public MistReplyException(final String command, final String error)
    {
        super(error.endsWith("\n") ? error.substring(0, error.length() - 1) : error);
        this.command = command;
    }

    public String command()
    {
        return command;
    }
}
