package io.mist.server;

import io.mist.server.logging.LogFormat;
import io.mist.server.logging.MistLoggerProvider;

/**
 * Configures logging ({@link MistLoggerProvider}) from the command line: level and format, lines on stdout. Called
 * once by the command line on the main thread, before the server starts.
 */
final class Logging
{
    private Logging()
    {
    }

    static void configure(final LogLevel level, final LogFormat format)
    {
        MistLoggerProvider.configure(level.slf4jLevel(), format, System.out);
    }
}
