package dev.imgcast.session.service;

import dev.imgcast.session.domain.SenderCounters;
import dev.imgcast.session.domain.TransferEvent;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import org.jboss.logging.Logger;

/**
 * The progress of a transfer as its sender tells it ({@code transfer.*} events of the
 * multicast-sender): the sender's address and counters, devices' progress and results, the
 * sender's end. Events for unknown or ended runs are ignored.
 */
@ApplicationScoped
public class TransferEventService {
    private static final Logger LOG = Logger.getLogger(TransferEventService.class);

    @Inject
    RunLifecycle lifecycle;
    @Inject
    RunResults results;
    @Inject
    Samples samples;
    @Inject
    InstantSource clock;

    /** A transfer event from a sender (the multicast-sender service, or a master device). */
    public void transferEvent(TransferEvent e) {
        Transactions.retrying(() -> {
            SessionRun run = SessionRun.lockById(e.runId());
            if (run == null) {
                LOG.warnf("transfer event %s for unknown run %d ignored", e.type(), e.runId());
                return null;
            }
            if (run.state != RunState.STARTED) {
                LOG.debugf("transfer event %s for run %d in state %s ignored", e.type(), run.id, run.state);
                return null;
            }
            Instant now = clock.instant();
            switch (e.type()) {
                case "transfer.started" -> run.senderAddress = e.senderAddress();
                case "transfer.progress" -> {
                    if (e.deviceId() == null) {
                        senderProgress(run, e, now);
                    } else {
                        Participant p = inRun(run, e);
                        if (p == null) {
                            return null;
                        }
                        results.apply(run, p, ParticipantState.TRANSFERRING, e.bytesDone(), e.bytesTotal(), null, null,
                                now);
                    }
                }
                case "transfer.result" -> {
                    Participant p = inRun(run, e);
                    if (p == null) {
                        return null;
                    }
                    results.apply(run, p, RunResults.reportState(e.outcome()), e.bytesDone(), e.bytesTotal(),
                            e.sha256(), e.reason(), now);
                }
                case "transfer.finished" -> results.senderFinished(run, "FAILED".equalsIgnoreCase(e.outcome()),
                        e.reason(), now);
                default -> throw new IllegalArgumentException("unknown transfer event type " + e.type());
            }
            lifecycle.changed(run);
            return null;
        });
    }

    /** The sender's own progress: how much of the image went out, which round, its wire counters. */
    private void senderProgress(SessionRun run, TransferEvent e, Instant now) {
        run.senderBytesSent = e.bytesDone();
        run.senderBytesTotal = e.bytesTotal();
        run.senderRound = e.round();
        SenderCounters c = e.counters();
        if (c != null) {
            run.senderPayloadBytes = c.payloadBytesSent() != null ? c.payloadBytesSent() : run.senderPayloadBytes;
            run.senderDataPackets = c.dataPackets() != null ? c.dataPackets() : run.senderDataPackets;
            run.senderRepairPackets = c.repairPackets() != null ? c.repairPackets() : run.senderRepairPackets;
            run.senderRateBitsPerSecond = c.rateBitsPerSecond();
        }
        samples.sender(run, now);
    }

    private static Participant inRun(SessionRun run, TransferEvent e) {
        Participant p = Participant.ofRun(run.id, e.deviceId()).orElse(null);
        if (p == null || p.state == ParticipantState.QUEUED) {
            LOG.warnf("transfer event %s for device %s, not in run %d, ignored", e.type(), e.deviceId(), run.id);
            return null;
        }
        return p;
    }
}
