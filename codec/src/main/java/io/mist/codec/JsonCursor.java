package io.mist.codec;

/**
 * A position in one frame's bytes with JSON's whitespace rules: hands out the next significant byte and lets the
 * parser jump past values it has read itself. Owned by the thread of the parser that holds it.
 */
final class JsonCursor
{
    private byte[] bytes;
    private int position;
    private int limit;

    void reset(final byte[] bytes, final int length)
    {
        this.bytes = bytes;
        this.position = 0;
        this.limit = length;
    }

    byte[] bytes()
    {
        return bytes;
    }

    int limit()
    {
        return limit;
    }

    /** Skips JSON whitespace and consumes the next byte; its index is then {@link #position()} - 1. */
    byte next() throws FrameException
    {
        while (position < limit)
        {
            final byte b = bytes[position++];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                return b;
            }
        }
        throw new FrameException("invalid JSON: unexpected end of message");
    }

    int position()
    {
        return position;
    }

    void moveTo(final int index)
    {
        position = index;
    }

    /** True when only whitespace is left. */
    boolean atEnd()
    {
        while (position < limit)
        {
            final byte b = bytes[position];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                return false;
            }
            position++;
        }
        return true;
    }

    /** Consumes the rest of a literal whose first byte was just read (e.g. "ull" after 'n'). */
    void expectRest(final String rest, final String literal) throws FrameException
    {
        if (position + rest.length() > limit)
        {
            throw new FrameException("invalid JSON: expected '" + literal + "'");
        }
        for (int i = 0; i < rest.length(); i++)
        {
            if (bytes[position + i] != rest.charAt(i))
            {
                throw new FrameException("invalid JSON: expected '" + literal + "'");
            }
        }
        position += rest.length();
    }
}
