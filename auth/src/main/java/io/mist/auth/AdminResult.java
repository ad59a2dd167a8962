package io.mist.auth;

import java.util.List;

/**
 * The outcome of an admin command, for its reply: nothing (success of a write, as mist), an error in mist's words,
 * or the tags of a token. Immutable.
 */
public final class AdminResult
{
    static final AdminResult DONE = new AdminResult(null, null);

    private final String error;
    private final List<String> tags;

    private AdminResult(final String error, final List<String> tags)
    {
        this.error = error;
        this.tags = tags;
    }

    static AdminResult error(final String error)
    {
        return new AdminResult(error, null);
    }

    static AdminResult tags(final List<String> tags)
    {
        return new AdminResult(null, List.copyOf(tags));
    }

    /** The error for the client, or null. */
    public String error()
    {
        return error;
    }

    /** The tags for a {@code tags} reply (sorted), or null when there is no such reply. */
    public List<String> tags()
    {
        return tags;
    }
}
