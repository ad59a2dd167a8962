package io.mist.transport.outbound;

import io.netty.buffer.ByteBuf;

/**
 * Rewrites the frames of a client's outbound ring for a transport whose wire format is not mist's JSON stream
 * (WebSocket frames, legacy text lines). Every frame in a ring ends with its only raw newline (JSON escapes newlines
 * inside strings), which is how frames are found again after the ring split large ones into records. Called on the
 * connection's event loop only; must not allocate per frame.
 */
public interface OutboundFraming
{
    /**
     * Writes one frame to {@code out}.
     *
     * @param in the frame's bytes, its trailing newline included, from {@code offset} for {@code length} bytes.
     */
    void encode(ByteBuf in, int offset, int length, ByteBuf out);

    /** An upper bound of the bytes {@link #encode} writes for a frame of {@code length} bytes. */
    int maxEncodedLength(int length);
}
