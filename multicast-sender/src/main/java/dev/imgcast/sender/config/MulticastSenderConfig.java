package dev.imgcast.sender.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How this replica sends ({@code imgcast.sender.*}; environment {@code IMGCAST_SENDER_INTERFACE},
 * {@code IMGCAST_SENDER_RATE}, {@code IMGCAST_SENDER_JOIN_WAIT}, {@code IMGCAST_SENDER_START_TIMEOUT},
 * {@code IMGCAST_SENDER_CACHE_DIR}).
 */
@ConfigMapping(prefix = "imgcast.sender")
public interface MulticastSenderConfig {
    /** the imaging network's interface: required, never guessed */
    @WithName("interface")
    String networkInterface();

    /** bits per second on the wire */
    @WithDefault("500000000")
    long rate();

    /** image bytes per DATA datagram */
    @WithDefault("1400")
    int payload();

    /** start this long after the last receiver joined */
    @WithDefault("10s")
    Duration joinWait();

    /** give up when no receiver joined within this */
    @WithDefault("60s")
    Duration startTimeout();

    /** local copies of images, named by SHA-256 */
    @WithDefault("data/sender-cache")
    Path cacheDir();
}
