package io.mist.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mist cluster as one broker: publishers connect to the first node, subscribers to the others in turn, so every
 * delivery crosses from one node to another through NATS. The same thin client as {@link MistBroker}. Before the
 * publishers start, it waits until the publishers' node knows the subscribers' interest (its {@code /metrics}), so
 * no message is lost to a subscription not yet announced. Its CPU is that of every node's process together.
 */
public final class MistClusterBroker implements Broker
{
    /** Its name in {@code --brokers} and in reports. */
    public static final String NAME = "mist-cluster";
    private static final Pattern INTEREST = Pattern.compile("\nmist_cluster_interest_entries (\\d+)\n");

    private final MistBroker publishing;
    private final List<MistBroker> subscribing = new ArrayList<>();
    private final URI metrics;
    private int next;

    /**
     * @param nodes the nodes' TCP listeners: the publishers' node first, then the subscribers' ones.
     * @param metrics the publishers' node's {@code /metrics}.
     */
    public MistClusterBroker(final List<InetSocketAddress> nodes, final URI metrics)
    {
        if (nodes.size() < 2)
        {
            throw new IllegalArgumentException("--mist-cluster: give the publishers' node and at least one other");
        }
        this.publishing = new MistBroker(nodes.get(0));
        for (final InetSocketAddress node : nodes.subList(1, nodes.size()))
        {
            subscribing.add(new MistBroker(node));
        }
        this.metrics = metrics;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public InetSocketAddress address()
    {
        return publishing.address();
    }

    @Override
    public List<InetSocketAddress> processAddresses()
    {
        final List<InetSocketAddress> all = new ArrayList<>();
        all.add(publishing.address());
        for (final MistBroker node : subscribing)
        {
            all.add(node.address());
        }
        return all;
    }

    @Override
    public boolean supportsSubsetMatching()
    {
        return true;
    }

    @Override
    public Subscriber subscriber(final DeliverySink sink) throws Exception
    {
        final MistBroker node = subscribing.get(next++ % subscribing.size());
        return node.subscriber(sink);
    }

    @Override
    public Publisher publisher() throws Exception
    {
        return publishing.publisher();
    }

    /** Waits until the publishers' node holds interest and it has stopped changing for half a second. */
    @Override
    public void ready() throws Exception
    {
        final HttpClient http = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline)
        {
            final String text = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            final Matcher m = INTEREST.matcher(text);
            final long entries = m.find() ? Long.parseLong(m.group(1)) : -1;
            if (entries != last)
            {
                last = entries;
                stableSince = System.nanoTime();
            }
            else if (entries > 0 && System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500))
            {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the publishers' node (" + metrics + ") did not learn the subscribers' " +
            "interest within 30 s (mist_cluster_interest_entries " + last + "); are the nodes in one cluster?");
    }
}
