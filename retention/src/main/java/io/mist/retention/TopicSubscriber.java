package io.mist.retention;

/** Receives a topic's messages from the retention thread (a msgbus WebSocket). Called on the retention thread. */
public interface TopicSubscriber
{
    /**
     * One message of the topic, in id order, and its payload.
     *
     * @return false when it could not take it because it reads too slowly (the message is lost to it, counted).
     */
    boolean deliver(RetainedTopic topic, RetainedMessage message, byte[] payload);

    /** Whether it is still there; a subscriber that is not is forgotten. */
    boolean open();

    /** Its topic was deleted: it gets nothing more. */
    void topicDeleted(RetainedTopic topic);
}
