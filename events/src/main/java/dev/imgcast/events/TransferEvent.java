package dev.imgcast.events;

/** Published by the multicast-sender to {@code imgcast.transfer}; every one names the run. */
public sealed interface TransferEvent extends Event
        permits TransferStarted, TransferProgress, TransferResult, TransferFinished {
    long runId();
}
