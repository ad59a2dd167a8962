package io.mist.transport.http;

import io.mist.transport.ConnectionInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /connections}, NATS's {@code /connz} for mist: the open client connections as JSON, sorted by one field
 * ({@code sort=id|subscriptions|queued|delivered|dropped|since}, {@code order=asc|desc}) and paged
 * ({@code offset}, {@code limit} up to 1,000, default 100). Built on the thread that asks; allocates freely (off the
 * data path).
 */
final class ConnectionsReport
{
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Map<String, Comparator<ConnectionInfo>> ORDERS = Map.of(
        "id", Comparator.comparingLong(ConnectionInfo::id),
        "subscriptions", Comparator.comparingLong(ConnectionInfo::subscriptions),
        "queued", Comparator.comparingLong(ConnectionInfo::queuedBytes),
        "delivered", Comparator.comparingLong(ConnectionInfo::delivered),
        "dropped", Comparator.comparingLong(ConnectionInfo::dropped),
        "since", Comparator.comparingLong(ConnectionInfo::connectedAtMillis));

    private ConnectionsReport()
    {
    }

    /**
     * The report for the query's parameters.
     *
     * @throws IllegalArgumentException naming the parameter at fault.
     */
    static String render(final Supplier<List<ConnectionInfo>> source, final Map<String, List<String>> query)
    {
        final String sort = single(query, "sort", "id");
        final Comparator<ConnectionInfo> by = ORDERS.get(sort);
        if (by == null)
        {
            throw new IllegalArgumentException("sort must be one of id, subscriptions, queued, delivered, dropped, " +
                "since; got '" + sort + "'");
        }
        final String order = single(query, "order", "asc");
        if (!order.equals("asc") && !order.equals("desc"))
        {
            throw new IllegalArgumentException("order must be asc or desc; got '" + order + "'");
        }
        final int offset = number(query, "offset", 0, Integer.MAX_VALUE, 0);
        final int limit = number(query, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        final List<ConnectionInfo> all = new ArrayList<>(source.get());
        all.sort((order.equals("asc") ? by : by.reversed()).thenComparingLong(ConnectionInfo::id));
        final StringBuilder out = new StringBuilder(256 + Math.min(all.size(), limit) * 200);
        out.append("{\"total\":").append(all.size()).append(",\"offset\":").append(offset).append(",\"limit\":")
            .append(limit).append(",\"sort\":\"").append(sort).append("\",\"order\":\"").append(order)
            .append("\",\"connections\":[");
        for (int i = offset; i < all.size() && i < (long)offset + limit; i++)
        {
            final ConnectionInfo c = all.get(i);
            out.append(i > offset ? ",{" : "{").append("\"id\":").append(c.id());
            string(out.append(",\"listener\":"), c.listener());
            string(out.append(",\"remote\":"), c.remote());
            string(out.append(",\"auth\":"), c.auth());
            out.append(",\"subscriptions\":").append(c.subscriptions()).append(",\"queued_bytes\":")
                .append(c.queuedBytes()).append(",\"delivered\":").append(c.delivered()).append(",\"dropped\":")
                .append(c.dropped());
            string(out.append(",\"connected_since\":"), Instant.ofEpochMilli(c.connectedAtMillis()).toString());
            out.append('}');
        }
        return out.append("]}\n").toString();
    }

    private static String single(final Map<String, List<String>> query, final String name, final String fallback)
    {
        final List<String> values = query.get(name);
        return values == null || values.isEmpty() ? fallback : values.get(values.size() - 1);
    }

    private static int number(final Map<String, List<String>> query, final String name, final int min, final int max,
        final int fallback)
    {
        final String text = single(query, name, null);
        if (text == null)
        {
            return fallback;
        }
        try
        {
            final int value = Integer.parseInt(text);
            if (value >= min && value <= max)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + "; got '" +
            text + "'");
    }

    private static void string(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        out.append('"');
    }
}
