package dev.imgcast.image.config;

import dev.imgcast.registry.client.RegistryApi;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/**
 * session-service as a capture sees it: where it registers ({@code imgcast.session-service.url},
 * environment {@code IMGCAST_SESSION_SERVICE_URL}) and with which enrollment token (session-service's
 * own {@code imgcast.enrollment-token}, environment {@code IMGCAST_ENROLLMENT_TOKEN}).
 */
@ConfigMapping(prefix = "imgcast.session-service")
public interface RegistryConfig {
    @WithDefault("http://127.0.0.1:" + RegistryApi.DEFAULT_PORT)
    String url();

    /** the same token the devices use; empty: no capture */
    @WithName("enrollment-token")
    @WithDefault("${imgcast.enrollment-token:}")
    Optional<String> enrollmentToken();
}
