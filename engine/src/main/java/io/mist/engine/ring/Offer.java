package io.mist.engine.ring;

/** What became of an offer to the inbound ring. */
public enum Offer
{
    /** The event is in the ring, on its way to the matcher. */
    PUBLISHED,
    /**
     * The ring has no free slot, or its large requests hold the payload budget: nothing was claimed or filled. The
     * producer keeps its input and tries again later; a connection stops reading meanwhile.
     */
    FULL,
    /** The engine has stopped; the request is dropped. */
    STOPPED
}
