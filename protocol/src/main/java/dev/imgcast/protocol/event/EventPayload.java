package dev.imgcast.protocol.event;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The services' events (catalogue: session-service/README.md) as they arrive at a consumer:
 * bytes from RabbitMQ in the distributed mode, the String that was sent on an in-process channel
 * in the embedded imaging server.
 */
public final class EventPayload {
    private EventPayload() {
    }

    public static byte[] bytes(Object payload) {
        if (payload instanceof byte[] b) {
            return b;
        }
        if (payload instanceof Buffer b) {
            return b.getBytes();
        }
        return String.valueOf(payload).getBytes(StandardCharsets.UTF_8);
    }
}
