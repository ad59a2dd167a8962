package io.mist.bench.load;

/** The broker refuses the scenario as asked (a server limit): the run stops with the broker's reason. */
final class ScenarioRefused extends IllegalStateException
{
    ScenarioRefused(final String message)
    {
        super(message);
    }
}
