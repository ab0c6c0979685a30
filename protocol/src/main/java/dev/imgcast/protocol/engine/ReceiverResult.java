package dev.imgcast.protocol.engine;

/** One receiver in the sender's final report. */
public record ReceiverResult(int nodeId, String host, String address, ReceiverOutcome outcome, String sha256,
        String message) {
}
