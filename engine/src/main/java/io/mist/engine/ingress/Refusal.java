package io.mist.engine.ingress;

/**
 * Why the engine refuses a request. {@link RequestPolicy} decides it; its text, with the figures it is about, is made
 * once, where the reply is encoded ({@link RequestPolicy#text}).
 */
public enum Refusal
{
    /** A publish without tags (HTTP says so; mist's stream protocol drops it silently). */
    NO_TAGS,
    /** More tags in one request than {@code --max-tags}. */
    TOO_MANY_TAGS,
    /** A tag longer than {@code --max-tag-length}. */
    TAG_TOO_LONG,
    /** A subscription would teach the server a tag beyond {@code --max-distinct-tags}. */
    TOO_MANY_DISTINCT_TAGS,
    /** The encoded delivery is larger than a client's ring can take. */
    MESSAGE_TOO_LARGE,
    /** A restricted token publishing to a tag it was not granted. */
    FORBIDDEN_PUBLISH,
    /** A restricted token subscribing to a set without one of its granted tags. */
    FORBIDDEN_SUBSCRIBE,
    /** An admin command without the master token. */
    FORBIDDEN_ADMIN,
    /** {@code listall} or {@code who} with a restricted token (they show every client's tags). */
    FORBIDDEN_QUERY
}
