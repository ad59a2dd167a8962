package io.mist.engine.session;

/**
 * How the matcher tells a client's transport that its outbound ring has new frames (or a close request).
 * Implementations must be cheap and allocation-free when already scheduled; called on the matcher thread.
 */
@FunctionalInterface
public interface OutboundWakeup
{
    void wake();
}
