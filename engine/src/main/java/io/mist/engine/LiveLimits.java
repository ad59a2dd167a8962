package io.mist.engine;

/**
 * The request limits in force, which a reload (SIGHUP) may change while the server runs: every check reads the
 * current ones (one volatile read per request). The most distinct tags is fixed at start. Any thread.
 */
public final class LiveLimits
{
    private volatile RequestLimits current;

    public LiveLimits(final RequestLimits initial)
    {
        this.current = initial;
    }

    public RequestLimits get()
    {
        return current;
    }

    /**
     * Applies {@code next} from the next request on.
     *
     * @throws IllegalArgumentException when it changes what cannot change while running ({@code --max-distinct-tags}).
     */
    public void set(final RequestLimits next)
    {
        if (next.maxDistinctTags() != current.maxDistinctTags())
        {
            throw new IllegalArgumentException("--max-distinct-tags needs a restart");
        }
        current = next;
    }
}
