package dev.imgcast.sender.service;

import java.time.Duration;
import java.util.Objects;

/**
 * How this replica sends: payload per datagram, the rate on the wire, how long to wait after the
 * last receiver joined and for any receiver at all, how often to report progress.
 */
public record SendSettings(int payload, long rateBitsPerSecond, Duration joinWait, Duration startTimeout,
                           Duration progressEvery) {
    public SendSettings {
        Objects.requireNonNull(joinWait, "joinWait");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(progressEvery, "progressEvery");
    }
}
