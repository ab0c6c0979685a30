package dev.imgcast.session.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "Who else is in the session, as a device shows it on its screen")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Peer(String hostname, String deviceId, String role, String state) {
}
