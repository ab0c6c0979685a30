package dev.imgcast.sender.service;

import dev.imgcast.protocol.engine.ReceiverResult;

/** What the sender tells session-service about a run: the transfer.* events. */
public interface TransferReports {

    /** Sending begins from this address (the image is local, the network chosen). */
    void started(long runId, String senderAddress);

    /** The sender's own progress while sending. */
    void progress(long runId, SendProgress progress);

    /** One receiver's result, matched to a registered device. */
    void result(long runId, String deviceId, ReceiverResult result);

    /** The run is over: FINISHED ({@code ok}) or FAILED, with the reason. */
    void finished(long runId, boolean ok, String reason);
}
