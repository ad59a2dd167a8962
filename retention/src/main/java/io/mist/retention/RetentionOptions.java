package io.mist.retention;

import java.time.Duration;

/**
 * How much the retention store keeps: per topic at most {@code queueSize} messages, none older than {@code ttl},
 * over all topics at most {@code maxBytes} of messages and {@code maxTopics} topics. Validated here, the flag named.
 */
public record RetentionOptions(int queueSize, Duration ttl, long maxBytes, int maxTopics)
{
    /** msgbus's default TTL, which msgbus advertises and never enforces. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    public static final int DEFAULT_QUEUE_SIZE = 1000;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_TOPICS = 10_000;
    public static final RetentionOptions DEFAULTS = new RetentionOptions(DEFAULT_QUEUE_SIZE, DEFAULT_TTL,
        DEFAULT_MAX_BYTES, DEFAULT_MAX_TOPICS);

    public RetentionOptions
    {
        if (queueSize < 1)
        {
            throw new IllegalArgumentException("--msgbus-queue-size must be at least 1, got " + queueSize);
        }
        if (ttl.isNegative() || ttl.isZero())
        {
            throw new IllegalArgumentException("--msgbus-ttl must be more than 0");
        }
        if (maxBytes < 1024)
        {
            throw new IllegalArgumentException("--msgbus-max-bytes must be at least 1k, got " + maxBytes);
        }
        if (maxTopics < 1)
        {
            throw new IllegalArgumentException("--msgbus-max-topics must be at least 1, got " + maxTopics);
        }
    }
}
