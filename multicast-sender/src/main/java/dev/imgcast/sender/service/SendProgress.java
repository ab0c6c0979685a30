package dev.imgcast.sender.service;

/**
 * The sender's progress (no device): how much of the image went out, which round, and what went
 * on the wire (image bytes including repairs, packets by kind, pacing rate).
 */
public record SendProgress(long bytesDone, long bytesTotal, int round, long payloadBytesSent, long dataPackets,
                           long repairPackets, long rateBitsPerSecond) {
}
