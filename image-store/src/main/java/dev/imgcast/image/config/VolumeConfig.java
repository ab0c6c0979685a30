package dev.imgcast.image.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where the image bytes live ({@code imgcast.images.dir}, environment {@code IMGCAST_IMAGES_DIR}). */
@ConfigMapping(prefix = "imgcast.images")
public interface VolumeConfig {
    /** the volume: {@code <id>.img} for stored images, {@code .incoming/} for uploads in progress */
    @WithDefault("data/images")
    Path dir();
}
