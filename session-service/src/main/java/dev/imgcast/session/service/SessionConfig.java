package dev.imgcast.session.service;

import dev.imgcast.protocol.transfer.TransferDefaults;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The session rules' settings, {@code imgcast.session.*} (each can be set by its environment
 * variable, e.g. {@code IMGCAST_SESSION_PORT}). A mapping validates every property under its
 * prefix, so it cannot be {@code imgcast} itself: the embedded imaging-server has the other
 * modules' {@code imgcast.*} settings in the same configuration. The settings outside this prefix
 * keep their names: {@code imgcast.enrollment-token} (read where devices register), and the scan
 * periods {@code imgcast.time-rule.scan} and {@code imgcast.outbox.poll} (1 s each, read by the
 * scheduler).
 */
@ConfigMapping(prefix = "imgcast.session")
public interface SessionConfig {
    /** The UDP port given to every session. */
    @WithDefault(TransferDefaults.SESSION_PORT_TEXT)
    int port();

    /** How long results may come in after the sender finished, before the rest are dropped. */
    @WithDefault("20s")
    Duration resultGrace();
}
