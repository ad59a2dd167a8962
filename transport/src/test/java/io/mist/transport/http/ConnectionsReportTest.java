package io.mist.transport.http;

import io.mist.transport.ConnectionInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /connections}' JSON: fields, sorting, paging, and errors that name the parameter. */
class ConnectionsReportTest
{
    private static final List<ConnectionInfo> OPEN = List.of(
        new ConnectionInfo(3, "tcp://127.0.0.1:1445", "127.0.0.1:5000", "none", 2, 0, 10, 0, 0),
        new ConnectionInfo(1, "ws://127.0.0.1:8888", "127.0.0.1:5001", "admin", 0, 64, 30, 5, 1000),
        new ConnectionInfo(2, "tcp://127.0.0.1:1445", "[::1]:5002", "restricted", 1, 0, 20, 0, 2000));

    private static String render(final Map<String, List<String>> query)
    {
        return ConnectionsReport.render(() -> OPEN, query);
    }

    @Test
    void everyFieldOfEachConnectionByIdByDefault()
    {
        assertEquals("{\"total\":3,\"offset\":0,\"limit\":100,\"sort\":\"id\",\"order\":\"asc\",\"connections\":[" +
            "{\"id\":1,\"listener\":\"ws://127.0.0.1:8888\",\"remote\":\"127.0.0.1:5001\",\"auth\":\"admin\"," +
            "\"subscriptions\":0,\"queued_bytes\":64,\"delivered\":30,\"dropped\":5," +
            "\"connected_since\":\"1970-01-01T00:00:01Z\"}," +
            "{\"id\":2,\"listener\":\"tcp://127.0.0.1:1445\",\"remote\":\"[::1]:5002\",\"auth\":\"restricted\"," +
            "\"subscriptions\":1,\"queued_bytes\":0,\"delivered\":20,\"dropped\":0," +
            "\"connected_since\":\"1970-01-01T00:00:02Z\"}," +
            "{\"id\":3,\"listener\":\"tcp://127.0.0.1:1445\",\"remote\":\"127.0.0.1:5000\",\"auth\":\"none\"," +
            "\"subscriptions\":2,\"queued_bytes\":0,\"delivered\":10,\"dropped\":0," +
            "\"connected_since\":\"1970-01-01T00:00:00Z\"}]}\n", render(Map.of()));
    }

    @Test
    void sortedAndPaged()
    {
        final String page = render(Map.of("sort", List.of("delivered"), "order", List.of("desc"), "offset",
            List.of("1"), "limit", List.of("1")));
        assertTrue(page.startsWith("{\"total\":3,\"offset\":1,\"limit\":1,\"sort\":\"delivered\",\"order\":\"desc\"," +
            "\"connections\":[{\"id\":2,"), page);
        assertEquals(1, page.split("\"id\":").length - 1, "one connection on the page");
        assertTrue(render(Map.of("offset", List.of("10"))).endsWith("\"connections\":[]}\n"));
    }

    @Test
    void badParametersAreNamed()
    {
        assertEquals("sort must be one of id, subscriptions, queued, delivered, dropped, since; got 'name'",
            assertThrows(IllegalArgumentException.class, () -> render(Map.of("sort", List.of("name")))).getMessage());
        assertEquals("limit must be a whole number from 1 to 1000; got '5000'",
            assertThrows(IllegalArgumentException.class, () -> render(Map.of("limit", List.of("5000")))).getMessage());
        assertEquals("order must be asc or desc; got 'up'",
            assertThrows(IllegalArgumentException.class, () -> render(Map.of("order", List.of("up")))).getMessage());
    }
}
