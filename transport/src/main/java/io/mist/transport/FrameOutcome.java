package io.mist.transport;

/** What became of one decoded frame, for the handler that read it. */
public enum FrameOutcome
{
    /** Handed to the engine (or answered). */
    ACCEPTED,
    /** Refused with an error reply; a stream transport resynchronises after it. */
    REFUSED,
    /**
     * An admin command is running off the data path: read nothing more from this connection until
     * {@link ClientConnection} calls the handler's resume action, so replies keep the connection's order.
     */
    PAUSED,
    /**
     * The inbound ring had no room: the frame was not taken. The handler keeps it (and everything after it), stops
     * reading, and offers it again when {@link ClientConnection} calls its resume action.
     */
    BLOCKED,
    /**
     * Not a frame yet: the input ends inside a frame the one-pass reader takes ({@link FrameReader#readWireLine}).
     * Nothing was consumed; the handler decodes again when more input arrives.
     */
    INCOMPLETE
}
