package io.mist.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The dashboard's one page ({@code dashboard.html} beside this class), read from the jar once. Immutable. */
final class DashboardPage
{
    static final byte[] BYTES = load();

    private DashboardPage()
    {
    }

    private static byte[] load()
    {
        try (InputStream in = DashboardPage.class.getResourceAsStream("dashboard.html"))
        {
            if (in == null)
            {
                throw new IllegalStateException("dashboard.html is missing from the jar");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
