package dev.imgcast.session.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A run as admins see it: state, group, source, rules, the sender's progress, participants and the queue. */
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
