package io.mist.auth;

import java.util.concurrent.atomic.AtomicLong;

/** What the auth URL was asked and answered since start, for {@code /metrics}. Any thread. */
public final class AuthUrlCounters
{
    /** Requests sent to the auth URL. */
    public final AtomicLong requests = new AtomicLong();
    /** Checks answered from the cache, without a request. */
    public final AtomicLong cacheHits = new AtomicLong();
    /** Checks that joined a request already under way for the same token. */
    public final AtomicLong joined = new AtomicLong();
    /** 2xx answers. */
    public final AtomicLong allowed = new AtomicLong();
    /** Other answers below 500, and tokens that cannot be sent in a header. */
    public final AtomicLong denied = new AtomicLong();
    /** No answer within {@code --auth-url-timeout}. */
    public final AtomicLong timeouts = new AtomicLong();
    /** No connection, or it broke. */
    public final AtomicLong unreachable = new AtomicLong();
    /** 5xx answers. */
    public final AtomicLong serverErrors = new AtomicLong();
    /** 2xx answers mist cannot read ({@code tags} not a list of strings, JSON broken, too large). */
    public final AtomicLong badAnswers = new AtomicLong();
}
