package dev.imgcast.events;

/**
 * The three topic exchanges (durable) and the SmallRye channel each service binds to it by
 * convention ({@code mp.messaging.outgoing.<channel>.exchange.name=<exchange>}). In the embedded
 * imaging server the same channel names are in-process channels.
 */
public enum Exchange {
    /** Session-service's session events. */
    SESSION("imgcast.session", "session-events"),
    /** The multicast-sender's progress and results of the transfers it runs. */
    TRANSFER("imgcast.transfer", "transfer-events"),
    /** Image-store's stored and deleted images. */
    IMAGE("imgcast.image", "image-events");

    private final String exchangeName;
    private final String channel;

    Exchange(String exchangeName, String channel) {
        this.exchangeName = exchangeName;
        this.channel = channel;
    }

    /** The RabbitMQ exchange, e.g. {@code imgcast.session}. */
    public String exchangeName() {
        return exchangeName;
    }

    /** The channel name the services use for this exchange, e.g. {@code session-events}. */
    public String channel() {
        return channel;
    }
}
