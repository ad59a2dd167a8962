package io.mist.engine;

/**
 * Limits on what one request may ask of the engine: tags per message or subscription, bytes per tag, and
 * subscriptions held by one client. A request over a limit is refused with an error reply naming the limit and its
 * flag; the connection stays up. Immutable, validated once.
 *
 * @param maxTags tags in one publish, subscribe or unsubscribe ({@code --max-tags}).
 * @param maxTagLength bytes of one tag, UTF-8 ({@code --max-tag-length}).
 * @param maxSubscriptions subscriptions one client may hold ({@code --max-subscriptions}).
 * @param maxDistinctTags distinct tags the server learns from subscriptions, over its lifetime: a tag gets an id for
 *     good, so this bounds the memory ever-new tags can take ({@code --max-distinct-tags}).
 */
public record RequestLimits(int maxTags, int maxTagLength, int maxSubscriptions, int maxDistinctTags)
{
    public static final int DEFAULT_MAX_DISTINCT_TAGS = 1_000_000;
    public static final RequestLimits DEFAULTS = new RequestLimits(10_000, 1024, 10_000);

    public RequestLimits
    {
        if (maxTags < 1 || maxTagLength < 1 || maxSubscriptions < 1 || maxDistinctTags < 1)
        {
            throw new IllegalArgumentException("--max-tags, --max-tag-length, --max-subscriptions and " +
                "--max-distinct-tags must be at least 1, got " + maxTags + ", " + maxTagLength + ", " +
                maxSubscriptions + " and " + maxDistinctTags);
        }
    }

    /** Limits with the default {@link #maxDistinctTags}. */
    public RequestLimits(final int maxTags, final int maxTagLength, final int maxSubscriptions)
    {
        this(maxTags, maxTagLength, maxSubscriptions, DEFAULT_MAX_DISTINCT_TAGS);
    }

    /** The error for a subscription with a tag the server cannot learn any more, its table holding {@code held}. */
    public String tooManyDistinctTags(final int held)
    {
        return "Too many distinct tags - the server knows " + held + ", the limit is " + maxDistinctTags +
            " (--max-distinct-tags)";
    }

    /** The error for a request of {@code tags} tags, or null within the limit. */
    public String tooManyTags(final int tags)
    {
        return tags <= maxTags ? null : "Too many tags - " + tags + ", the limit is " + maxTags + " (--max-tags)";
    }

    /** The error for a tag of {@code length} bytes, or null within the limit. */
    public String tagTooLong(final int length)
    {
        return length <= maxTagLength ? null : "Tag too long - " + length + " bytes, the limit is " + maxTagLength +
            " (--max-tag-length)";
    }

    /** The error for one more subscription beyond {@link #maxSubscriptions}. */
    public String tooManySubscriptions()
    {
        return "Too many subscriptions - the limit is " + maxSubscriptions + " per client (--max-subscriptions)";
    }
}
