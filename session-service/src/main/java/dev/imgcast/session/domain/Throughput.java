package dev.imgcast.session.domain;

import java.time.Instant;
import java.util.List;

/** A run's throughput over time, for a plot; no points if it never started. */
public record Throughput(String name, long runId, int runNo, String state, Instant startedAt, Instant endedAt,
                         Long bytesTotal, List<ThroughputPoint> points) {
}
