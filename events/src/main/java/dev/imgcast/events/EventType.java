package dev.imgcast.events;

import java.util.Optional;

/**
 * Every event type. The wire name ({@code "type"} in the JSON) is also the routing key and the
 * AMQP {@code type} property; each type goes to one exchange and has one record.
 */
public enum EventType {
    SESSION_OPENED("session.opened", Exchange.SESSION, SessionOpened.class),
    SESSION_PARTICIPANT_REGISTERED("session.participant-registered", Exchange.SESSION, ParticipantRegistered.class),
    SESSION_STARTED("session.started", Exchange.SESSION, SessionStarted.class),
    SESSION_RUN_FINISHED("session.run-finished", Exchange.SESSION, SessionRunFinished.class),
    TRANSFER_STARTED("transfer.started", Exchange.TRANSFER, TransferStarted.class),
    TRANSFER_PROGRESS("transfer.progress", Exchange.TRANSFER, TransferProgress.class),
    TRANSFER_RESULT("transfer.result", Exchange.TRANSFER, TransferResult.class),
    TRANSFER_FINISHED("transfer.finished", Exchange.TRANSFER, TransferFinished.class),
    IMAGE_STORED("image.stored", Exchange.IMAGE, ImageStored.class),
    IMAGE_DELETED("image.deleted", Exchange.IMAGE, ImageDeleted.class);

    private final String wireName;
    private final Exchange exchange;
    private final Class<? extends Event> recordType;

    EventType(String wireName, Exchange exchange, Class<? extends Event> recordType) {
        this.wireName = wireName;
        this.exchange = exchange;
        this.recordType = recordType;
    }

    /** The value of {@code "type"} in the JSON, e.g. {@code session.started}. */
    public String wireName() {
        return wireName;
    }

    /** The routing key: the wire name. */
    public String routingKey() {
        return wireName;
    }

    public Exchange exchange() {
        return exchange;
    }

    public Class<? extends Event> recordType() {
        return recordType;
    }

    /** The type of a wire name, or empty for a name this contract does not know. */
    public static Optional<EventType> fromWireName(String wireName) {
        for (EventType t : values()) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
