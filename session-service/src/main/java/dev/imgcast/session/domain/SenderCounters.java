package dev.imgcast.session.domain;

/**
 * What the sender put on the wire so far (optional fields of its transfer.progress); a
 * negative figure is refused when the record is made.
 */
public record SenderCounters(Long payloadBytesSent, Long dataPackets, Long repairPackets,
                             Long rateBitsPerSecond) {
    public SenderCounters {
        for (Long v : new Long[] {payloadBytesSent, dataPackets, repairPackets, rateBitsPerSecond}) {
            if (v != null && v < 0) {
                throw new IllegalArgumentException("sender counters must not be negative");
            }
        }
    }
}
