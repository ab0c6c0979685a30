package dev.imgcast.image.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * image-store's settings (environment: {@code IMGCAST_IMAGES_DIR}, {@code IMGCAST_CAPTURE_INTERFACE},
 * {@code IMGCAST_SESSION_SERVICE_URL}, {@code IMGCAST_ENROLLMENT_TOKEN}).
 */
@ConfigMapping(prefix = "imgcast")
public interface ImageStoreConfig {
    Images images();

    Capture capture();

    SessionService sessionService();

    /** session-service's enrollment token: a capture registers with it like a device. */
    Optional<String> enrollmentToken();

    interface Images {
        /** the volume: {@code <id>.img} for stored images, {@code .incoming/} for uploads in progress */
        @WithDefault("data/images")
        Path dir();
    }

    interface Capture {
        /** the imaging network's interface a capture receives on; without it there is no capture */
        @WithName("interface")
        Optional<String> networkInterface();
    }

    interface SessionService {
        /** where a capture registers */
        @WithDefault("http://127.0.0.1:8081")
        String url();
    }
}
