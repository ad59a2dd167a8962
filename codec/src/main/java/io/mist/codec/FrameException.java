package io.mist.codec;

/**
 * A frame that cannot be decoded: bad JSON, a member of the wrong type, or a frame over the size limit.
 * The message is what the client is told in the {@code error} member of the reply.
 * Created only on the error path; carries no stack trace.
 */
public final class FrameException extends Exception
{
    private static final long serialVersionUID = 1L;

    public FrameException(final String message)
    {
        super(message, null, false, false);
    }
}
