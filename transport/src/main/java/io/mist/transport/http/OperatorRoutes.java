package io.mist.transport.http;

import io.mist.transport.ConnectionInfo;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What an HTTP listener tells operators, supplied by the server: whether it accepts work ({@code /health/ready}),
 * why it works only in part ({@code /health}'s {@code degraded}; null while all is well), its Prometheus text
 * ({@code /metrics}) and its open connections ({@code /connections}). Any thread may call the suppliers. A null
 * supplier leaves its route out (a WebSocket-only listener has none of them but readiness).
 */
public record OperatorRoutes(BooleanSupplier ready, Supplier<String> degraded, Supplier<String> metrics,
    Supplier<List<ConnectionInfo>> connections)
{
    /** Readiness only: the routes of a listener that serves no operator routes. */
    public static OperatorRoutes readiness(final BooleanSupplier ready)
    {
        return new OperatorRoutes(ready, () -> null, null, null);
    }
}
