package dev.imgcast.session.domain;

import java.time.Instant;

/** One point of the plot: t seconds after the start, and the rates over the interval before it. */
public record ThroughputPoint(double t, Instant at, Long senderBytes, long receivedBytes, int receivers,
                              Double sentBytesPerSecond, Double receivedBytesPerSecondPerDevice) {
}
