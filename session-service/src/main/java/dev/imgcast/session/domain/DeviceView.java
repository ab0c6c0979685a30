package dev.imgcast.session.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(description = "What a registered device needs: its state, and once registered in a run the group, port and key")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceView(long participantId, String participantToken, String deviceId, String role, String state,
                         String message, String version, String name, long runId, int runNo, String runState,
                         String group, int port, String key, String senderAddress, String sourceKind,
                         String imageId, Integer clients, BigDecimal time, String waitingFor,
                         Instant startDeadline, String startReason, String endReason, long registered,
                         List<Peer> peers) {
    public DeviceView withToken(String token) {
        return new DeviceView(participantId, token, deviceId, role, state, message, version, name, runId, runNo,
                runState, group, port, key, senderAddress, sourceKind, imageId, clients, time, waitingFor,
                startDeadline, startReason, endReason, registered, peers);
    }
}
