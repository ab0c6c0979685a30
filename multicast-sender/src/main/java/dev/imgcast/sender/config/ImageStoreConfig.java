package dev.imgcast.sender.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the images come from ({@code imgcast.image-store.*}; environment {@code IMGCAST_IMAGE_STORE_URL},
 * {@code IMGCAST_IMAGE_STORE_PASSWORD}).
 */
@ConfigMapping(prefix = "imgcast.image-store")
public interface ImageStoreConfig {
    String url();

    /** image-store's reader user */
    @WithDefault("sender")
    String user();

    String password();
}
