package dev.imgcast.session.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** A participant as admins see it (no token, no key). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParticipantView(long id, String deviceId, String hostname, String mac, String address, String role,
                              String state, long bytesDone, Long bytesTotal, Double percent, String sha256,
                              String reason, Instant registeredAt, Instant progressAt,
                              Double rateBytesPerSecond) {
}
