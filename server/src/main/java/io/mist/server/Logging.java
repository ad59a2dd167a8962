package io.mist.server;

/**
 * Configures the logging backend (slf4j-simple) before the first logger exists: mist-like lines on stdout,
 * {@code <date time> <LEVEL> <message>}. Called once by the command line on the main thread.
 */
final class Logging
{
    private Logging()
    {
    }

    static void configure(final LogLevel level)
    {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level.backendLevel());
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "false");
        // Netty is chatty at DEBUG; its own messages stay at INFO unless asked for explicitly.
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", level.ordinal() < LogLevel.INFO.ordinal() ? "info" :
            level.backendLevel());
    }

    private static void setIfAbsent(final String key, final String value)
    {
        if (System.getProperty(key) == null)
        {
            System.setProperty(key, value);
        }
    }
}
