package dev.imgcast.image.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.Optional;

/** Capture's network ({@code imgcast.capture.interface}, environment {@code IMGCAST_CAPTURE_INTERFACE}). */
@ConfigMapping(prefix = "imgcast.capture")
public interface CaptureConfig {
    /** the imaging network's interface a capture receives on; without it there is no capture */
    @WithName("interface")
    Optional<String> networkInterface();
}
