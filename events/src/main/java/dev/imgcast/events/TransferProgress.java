package dev.imgcast.events;

import java.util.Objects;

/**
 * {@code transfer.progress}. Without {@code deviceId}: the sender's own progress (every 2 s):
 * how much of the image went out, the round, and what went on the wire. With {@code deviceId}:
 * that device's progress. Counts are never negative; the optional ones are null when absent.
 */
public record TransferProgress(Envelope envelope, long runId, String deviceId, long bytesDone, long bytesTotal,
                               Integer round, Long payloadBytesSent, Long dataPackets, Long repairPackets,
                               Long rateBitsPerSecond) implements TransferEvent {
    public TransferProgress {
        Objects.requireNonNull(envelope, "envelope");
    }

    /** The sender's own progress, with every wire counter. */
    public static TransferProgress ofSender(Envelope envelope, long runId, long bytesDone, long bytesTotal, int round,
                                            long payloadBytesSent, long dataPackets, long repairPackets,
                                            long rateBitsPerSecond) {
        return new TransferProgress(envelope, runId, null, bytesDone, bytesTotal, round, payloadBytesSent, dataPackets,
                repairPackets, rateBitsPerSecond);
    }

    /** One device's progress. */
    public static TransferProgress ofDevice(Envelope envelope, long runId, String deviceId, long bytesDone,
                                            long bytesTotal) {
        return new TransferProgress(envelope, runId, Objects.requireNonNull(deviceId, "deviceId"), bytesDone,
                bytesTotal, null, null, null, null, null);
    }

    @Override
    public EventType type() {
        return EventType.TRANSFER_PROGRESS;
    }
}
