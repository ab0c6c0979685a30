package dev.imgcast.session.service;

import dev.imgcast.events.TransferEvent;
import dev.imgcast.events.TransferFinished;
import dev.imgcast.events.TransferProgress;
import dev.imgcast.events.TransferResult;
import dev.imgcast.events.TransferStarted;
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
        long runId = runId(e);
        Transactions.retrying(() -> {
            SessionRun run = SessionRun.lockById(runId);
            if (run == null) {
                LOG.warnf("transfer event %s for unknown run %d ignored", e.type(), runId);
                return null;
            }
            if (run.state != RunState.STARTED) {
                LOG.debugf("transfer event %s for run %d in state %s ignored", e.type(), run.id, run.state);
                return null;
            }
            Instant now = clock.instant();
            if (e instanceof TransferStarted s) {
                run.senderAddress = s.senderAddress();
            } else if (e instanceof TransferProgress p && p.deviceId() == null) {
                senderProgress(run, p, now);
            } else if (e instanceof TransferProgress p) {
                Participant q = inRun(run, e, p.deviceId());
                if (q == null) {
                    return null;
                }
                results.apply(run, q, ParticipantState.TRANSFERRING, p.bytesDone(), p.bytesTotal(), null, null, now);
            } else if (e instanceof TransferResult r) {
                Participant q = inRun(run, e, r.deviceId());
                if (q == null) {
                    return null;
                }
                results.apply(run, q, ParticipantState.valueOf(r.outcome().name()), null, null, r.sha256(), r.reason(),
                        now);
            } else if (e instanceof TransferFinished f) {
                results.senderFinished(run, f.outcome() == TransferFinished.Outcome.FAILED, f.reason(), now);
            }
            lifecycle.changed(run);
            return null;
        });
    }

    private static long runId(TransferEvent e) {
        if (e instanceof TransferStarted s) {
            return s.runId();
        } else if (e instanceof TransferProgress p) {
            return p.runId();
        } else if (e instanceof TransferResult r) {
            return r.runId();
        } else if (e instanceof TransferFinished f) {
            return f.runId();
        }
        throw new IllegalArgumentException("unknown transfer event type " + e.type());
    }

    /** The sender's own progress: how much of the image went out, which round, its wire counters. */
    private void senderProgress(SessionRun run, TransferProgress p, Instant now) {
        run.senderBytesSent = p.bytesDone();
        run.senderBytesTotal = p.bytesTotal();
        run.senderRound = p.round();
        run.senderPayloadBytes = p.payloadBytesSent() != null ? p.payloadBytesSent() : run.senderPayloadBytes;
        run.senderDataPackets = p.dataPackets() != null ? p.dataPackets() : run.senderDataPackets;
        run.senderRepairPackets = p.repairPackets() != null ? p.repairPackets() : run.senderRepairPackets;
        run.senderRateBitsPerSecond = p.rateBitsPerSecond();
        samples.sender(run, now);
    }

    private static Participant inRun(SessionRun run, TransferEvent e, String deviceId) {
        Participant p = Participant.ofRun(run.id, deviceId).orElse(null);
        if (p == null || p.state == ParticipantState.QUEUED) {
            LOG.warnf("transfer event %s for device %s, not in run %d, ignored", e.type(), deviceId, run.id);
            return null;
        }
        return p;
    }
}
