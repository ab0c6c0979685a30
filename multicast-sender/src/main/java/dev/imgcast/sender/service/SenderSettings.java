package dev.imgcast.sender.service;

import dev.imgcast.protocol.transfer.SendSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How this replica sends: payload per datagram, the rate on the wire, how long to wait after the
 * last receiver joined and for any receiver at all, how often to report progress.
 */
public record SenderSettings(int payload, long rateBitsPerSecond, Duration joinWait, Duration startTimeout,
                             Duration progressEvery) {
    public SenderSettings {
        Objects.requireNonNull(joinWait, "joinWait");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(progressEvery, "progressEvery");
    }

    /** The transfer's settings for a run with this many registered receivers (checked). */
    SendSettings forRun(int receivers) {
        return SendSettings.forSession(receivers, rateBitsPerSecond, payload).withStart(joinWait, startTimeout);
    }
}
