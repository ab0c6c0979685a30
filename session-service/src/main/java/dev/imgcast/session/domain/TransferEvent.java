package dev.imgcast.session.domain;

/**
 * A transfer event from a sender (the multicast-sender service, or a master device):
 * {@code transfer.started}, {@code transfer.progress}, {@code transfer.result} or {@code transfer.finished}.
 */
public record TransferEvent(String type, long runId, String deviceId, Long bytesDone, Long bytesTotal,
                            String outcome, String sha256, String reason, String senderAddress, Integer round,
                            SenderCounters counters) {
}
