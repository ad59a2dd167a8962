package io.mist.transport.isimud;

/**
 * How isimud's (publisher, topic) map to mist tags: a message publisher {@code P} posts on topic {@code T} carries the
 * tags {@code publisher:P} and {@code topic:T}, and an isimud subscription to (P, T) is a mist subscription to both.
 * So a mist client subscribing to {@code ["publisher:P","topic:T"]} receives isimud's traffic, and a mist publish
 * carrying both tags reaches isimud's subscribers. Stateless.
 */
public final class IsimudTags
{
    private IsimudTags()
    {
    }

    public static String publisher(final String name)
    {
        return "publisher:" + name;
    }

    public static String topic(final String name)
    {
        return "topic:" + name;
    }
}
