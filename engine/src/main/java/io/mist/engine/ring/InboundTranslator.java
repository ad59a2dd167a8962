package io.mist.engine.ring;

/**
 * Fills one claimed inbound event from {@code A}. Instances are made once per producer (a field holding a method
 * reference), never per message, so a publish allocates nothing. Called on the producing thread between claim and
 * publish; if it throws, the event is published empty and the exception passes on.
 */
@FunctionalInterface
public interface InboundTranslator<A>
{
    void fill(InboundEvent event, A arg);
}
