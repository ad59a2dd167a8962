package io.mist.auth;

/** Keeps secrets out of messages and logs: a URI's password. Any thread. */
final class Redaction
{
    private Redaction()
    {
    }

    /** {@code scheme://user:secret@host} becomes {@code scheme://user:***@host}. */
    static String uri(final String uri)
    {
        return uri.replaceAll("(://[^/@:?#]*):[^/@?#]*@", "$1:***@");
    }
}
