package dev.imgcast.sender.service;

import dev.imgcast.events.TransferEvent;

/**
 * Where the sender's transfer.* events go (session-service follows the run by them). Blocking: it
 * returns when the event is out (confirmed by the broker, or its loss logged).
 */
@FunctionalInterface
public interface TransferReports {
    void report(TransferEvent event);
}
