package io.mist.engine.ingress;

import io.mist.codec.Command;
import io.mist.codec.MistFrame;
import io.mist.engine.LiveLimits;
import io.mist.engine.RequestLimits;
import io.mist.engine.outbound.OutboundRing;

/**
 * What one producer may ask of the engine: the request limits, the largest deliverable message, and (for a restricted
 * token) the granted tags. Each check returns a {@link Refusal} or null and allocates nothing; {@link #text} renders
 * the last refusal with its figures. Owned by the producer's thread (a connection's IO thread).
 */
public final class RequestPolicy
{
    private static final String FORBIDDEN_PUBLISH = "Forbidden - this token may publish only to tags it was granted";
    private static final String FORBIDDEN_SUBSCRIBE =
        "Forbidden - this token may subscribe only to tag sets holding one of the tags it was granted";
    private static final String FORBIDDEN_ADMIN = "Forbidden - admin commands need the master token";
    private static final String FORBIDDEN_QUERY = "Forbidden - not with a restricted token";
    private static final String NO_TAGS = "invalid message: 'tags' must hold at least one tag";

    private final LiveLimits live;
    /** The limits of the request being checked (read once per request from {@link #live}). */
    private RequestLimits limits;
    private final int largestDelivery;
    /** The tags a restricted producer may use; null when unrestricted. */
    private TagGrant grant;
    /** The figure the last refusal is about (a count or a size). */
    private long detail;

    /** @param largestDelivery the largest encoded frame a client ring accepts. */
    public RequestPolicy(final RequestLimits limits, final int largestDelivery)
    {
        this(new LiveLimits(limits), largestDelivery);
    }

    /** @param live the limits in force, read at each request (a reload may change them). */
    public RequestPolicy(final LiveLimits live, final int largestDelivery)
    {
        this.live = live;
        this.limits = live.get();
        this.largestDelivery = largestDelivery;
    }

    /** Limits the producer to {@code newGrant} from its next request on; null lifts the limit. */
    public void grant(final TagGrant newGrant)
    {
        grant = newGrant;
    }

    /** The current grant; null when unrestricted. */
    public TagGrant grant()
    {
        return grant;
    }

    /** Tag count and tag lengths of any request that names tags. */
    public Refusal tags(final MistFrame frame)
    {
        limits = live.get();
        final int n = frame.tagCount();
        if (n > limits.maxTags())
        {
            detail = n;
            return Refusal.TOO_MANY_TAGS;
        }
        for (int i = 0; i < n; i++)
        {
            if (frame.tagLength(i) > limits.maxTagLength())
            {
                detail = frame.tagLength(i);
                return Refusal.TAG_TOO_LONG;
            }
        }
        return null;
    }

    /** A subscription set of interned ids: a restricted token needs one granted tag in it. */
    public Refusal subscribe(final int[] ids, final int count)
    {
        return grant != null && !grant.containsAny(ids, count) ? Refusal.FORBIDDEN_SUBSCRIBE : null;
    }

    /** A subscription that found the tag table full, which holds {@code known} tags. */
    public Refusal tagTableFull(final int known)
    {
        detail = known;
        return Refusal.TOO_MANY_DISTINCT_TAGS;
    }

    /**
     * A publish of {@code encoded} bytes with the known tag ids {@code ids[0, count)}: a restricted token needs every
     * tag granted (an unknown one never is).
     */
    public Refusal publish(final int[] ids, final int count, final boolean unknownTag, final int encoded)
    {
        if (grant != null && (unknownTag || !grant.containsAll(ids, count)))
        {
            return Refusal.FORBIDDEN_PUBLISH;
        }
        if (encoded > largestDelivery)
        {
            detail = encoded;
            return Refusal.MESSAGE_TOO_LARGE;
        }
        return null;
    }

    /** {@code listall} and {@code who} show every client's tags: not for a restricted token. */
    public Refusal query(final Command command)
    {
        return grant != null && (command == Command.LISTALL || command == Command.WHO) ?
            Refusal.FORBIDDEN_QUERY : null;
    }

    /** The client-facing text of {@code refusal}, with the figure of the check that returned it. Allocates. */
    public String text(final Refusal refusal)
    {
        switch (refusal)
        {
            case NO_TAGS:
                return NO_TAGS;
            case TOO_MANY_TAGS:
                return limits.tooManyTags((int)detail);
            case TAG_TOO_LONG:
                return limits.tagTooLong((int)detail);
            case TOO_MANY_DISTINCT_TAGS:
                return limits.tooManyDistinctTags((int)detail);
            case MESSAGE_TOO_LARGE:
                return OutboundRing.tooLarge("Message", (int)detail, largestDelivery);
            case FORBIDDEN_PUBLISH:
                return FORBIDDEN_PUBLISH;
            case FORBIDDEN_SUBSCRIBE:
                return FORBIDDEN_SUBSCRIBE;
            case FORBIDDEN_ADMIN:
                return FORBIDDEN_ADMIN;
            case FORBIDDEN_QUERY:
                return FORBIDDEN_QUERY;
            default:
                throw new IllegalArgumentException("no text for " + refusal);
        }
    }
}
