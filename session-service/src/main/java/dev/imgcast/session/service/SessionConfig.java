package dev.imgcast.session.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * session-service's settings ({@code imgcast.*}; each can be set by its environment variable,
 * e.g. {@code IMGCAST_ENROLLMENT_TOKEN}). The scan periods of the time rules
 * ({@code imgcast.time-rule.scan}) and of the outbox ({@code imgcast.outbox.poll}), 1 s each by
 * default, are read by the scheduler itself.
 */
@ConfigMapping(prefix = "imgcast")
public interface SessionConfig {
    /** What devices must send to register; no default: the service refuses to start without it. */
    String enrollmentToken();

    Session session();

    interface Session {
        /** The UDP port given to every session. */
        @WithDefault("9100")
        int port();

        /** How long results may come in after the sender finished, before the rest are dropped. */
        @WithDefault("20s")
        Duration resultGrace();
    }
}
