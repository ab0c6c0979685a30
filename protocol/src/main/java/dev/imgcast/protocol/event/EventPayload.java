package dev.imgcast.protocol.event;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The services' events as they arrive at a consumer: bytes from RabbitMQ in the distributed mode,
 * the String that was sent on an in-process channel in the embedded imaging server.
 *
 * @deprecated the event contract is the {@code events} module: {@code EventCodec.decode(payload)}
 *     reads a payload of any of these kinds into its record, {@code EventCodec.bytes(payload)} gives
 *     its bytes. This class goes once session-service, image-store and multicast-sender read their
 *     events through it.
 */
@Deprecated
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
