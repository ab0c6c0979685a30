package dev.imgcast.session.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the REST API. */
public final class Dtos {
    /** Session names and device ids: letters, digits, '.', '_', ':' and '-'. */
    static final String NAME_CHARS = "[A-Za-z0-9._:-]+";
    static final String NAME_CHARS_MESSAGE = "may contain letters, digits, '.', '_', ':' and '-' only";

    private Dtos() {
    }

    @Schema(description = "A device registering for a session, as `img session NAME [master|client] [clients=N [time=T]]` does")
    public record RegisterRequest(
            @Schema(description = "Stable id of the device (e.g. its machine-id or main MAC)", required = true)
            @NotBlank @Size(max = 64) @Pattern(regexp = NAME_CHARS, message = NAME_CHARS_MESSAGE)
            String deviceId,
            @Size(max = 253) String hostname,
            @Pattern(regexp = "([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}", message = "must look like 00:11:22:33:44:55") String mac,
            @Schema(description = "The device's address on the imaging network (the master's is where receivers send repairs)")
            @Size(max = 45) String address,
            @Schema(description = "master, m, client, c, or nothing (wait; key m may still make this device the master)")
            String role,
            @Schema(description = "clients=N: start when N devices besides the master have registered (master only)")
            Integer clients,
            @Schema(description = "time=T in minutes, decimals allowed: start when T passes without a new registration (master only)")
            BigDecimal time) {
    }

    @Schema(description = "Start a multicast session from the server, with a stored image as its source")
    public record CreateSessionRequest(
            @NotBlank String name,
            @NotBlank @Size(max = 128) @Pattern(regexp = NAME_CHARS, message = NAME_CHARS_MESSAGE)
            String imageId,
            Integer clients,
            BigDecimal time,
            @Schema(description = "must be true: the image will be written to every device that joins")
            Boolean confirm) {
    }

    @Schema(description = "Make the calling device the master (key m), with its start rules")
    public record ClaimMasterRequest(Integer clients, BigDecimal time) {
    }

    @Schema(description = "Transfer progress or result of one device, reported by the device itself")
    public record ProgressReport(
            @Schema(description = "TRANSFERRING, VERIFIED, FAILED or DROPPED", required = true) @NotBlank String state,
            Long bytesDone,
            Long bytesTotal,
            @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex digits") String sha256,
            @Size(max = 500) String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ParticipantView(long id, String deviceId, String hostname, String mac, String address, String role,
                                  String state, long bytesDone, Long bytesTotal, Double percent, String sha256,
                                  String reason, Instant registeredAt, Instant progressAt,
                                  Double rateBytesPerSecond) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionView(String name, long runId, int runNo, String state, String group, int port,
                              String groupNote, String sourceKind, String imageId, String masterDeviceId,
                              String senderAddress, Long senderBytesSent, Long senderBytesTotal,
                              Integer senderRound, Long senderPayloadBytes, Long senderDataPackets,
                              Long senderRepairPackets, Long senderRateBitsPerSecond, Integer clients,
                              BigDecimal time, String openedBy,
                              String waitingFor, Instant startDeadline, String startReason, String endReason,
                              Instant createdAt, Instant startedAt, Instant endedAt, long registered,
                              List<ParticipantView> participants, List<ParticipantView> queued) {
    }

    @Schema(description = "Who else is in the session, as a device shows it on its screen")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Peer(String hostname, String deviceId, String role, String state) {
    }

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
}
