package dev.imgcast.session.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where the stored images are, {@code imgcast.image-store.*} (environment {@code IMGCAST_IMAGE_STORE_URL},
 * {@code IMGCAST_IMAGE_STORE_USER}, {@code IMGCAST_IMAGE_STORE_PASSWORD}): the same settings the
 * multicast-sender reads, so the embedded server sets them once. A session started from the server
 * is checked against it before anything is created.
 */
@ConfigMapping(prefix = "imgcast.image-store")
public interface ImageStoreConfig {
    @WithDefault("http://127.0.0.1:8082")
    String url();

    /** image-store's reader user */
    @WithDefault("sender")
    String user();

    /** without it the check asks anonymously, and an image store that wants credentials refuses (503) */
    Optional<String> password();
}
