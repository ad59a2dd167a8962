package io.mist.bench.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioTest
{
    private static RunSpec spec(final Scenario scenario, final int connections)
    {
        return new RunSpec(scenario, RunSpec.Mode.THROUGHPUT, connections, 64, Duration.ZERO, Duration.ofSeconds(1),
            0, 300, 40, 0, 11);
    }

    @Test
    void fanOutReachesEverySubscriberAndFanInHasOnePerPublisher()
    {
        final Scenario.Plan fanout = Scenario.FANOUT.plan(spec(Scenario.FANOUT, 3));
        assertEquals(3, fanout.subscriptions().size());
        assertEquals(1, fanout.publishers());
        assertArrayEquals(new int[] {0, 1, 2}, fanout.messages().get(0).receivers());

        final Scenario.Plan fanin = Scenario.FANIN.plan(spec(Scenario.FANIN, 5));
        assertEquals(1, fanin.subscriptions().size());
        assertEquals(5, fanin.publishers());
        assertArrayEquals(new int[] {0}, fanin.messages().get(0).receivers());
    }

    @Test
    void matchReceiversAreTheConnectionsWithASubscriptionContainedInTheMessage()
    {
        final Scenario.Plan plan = Scenario.MATCH.plan(spec(Scenario.MATCH, 6));
        assertEquals(300, plan.subscriptions().stream().mapToInt(List::size).sum());
        int delivered = 0;
        for (final Scenario.PlannedMessage message : plan.messages())
        {
            assertTrue(message.tags().size() >= 1 && message.tags().size() <= 8);
            for (int client = 0; client < 6; client++)
            {
                final int c = client;
                final boolean expected = plan.subscriptions().get(client).stream()
                    .anyMatch(subscription -> message.tags().containsAll(subscription));
                assertEquals(expected, java.util.Arrays.stream(message.receivers()).anyMatch(r -> r == c),
                    "message " + message.tags() + " and connection " + client);
            }
            delivered += message.expectedDeliveries();
        }
        assertTrue(delivered > 0, "the draw produces some deliveries");
        final Scenario.Plan again = Scenario.MATCH.plan(spec(Scenario.MATCH, 6));
        assertEquals(plan.subscriptions(), again.subscriptions(), "the same seed draws the same plan");
        for (int i = 0; i < plan.messages().size(); i++)
        {
            assertEquals(plan.messages().get(i).tags(), again.messages().get(i).tags());
            assertArrayEquals(plan.messages().get(i).receivers(), again.messages().get(i).receivers());
        }
    }
}
