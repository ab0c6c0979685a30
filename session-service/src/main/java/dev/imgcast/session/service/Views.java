package dev.imgcast.session.service;

import dev.imgcast.session.domain.DeviceView;
import dev.imgcast.session.domain.ParticipantView;
import dev.imgcast.session.domain.Peer;
import dev.imgcast.session.domain.SessionView;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.rules.StartRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.List;

/** What the API shows of runs and participants. */
@ApplicationScoped
public class Views {
    /** A device's screen lists at most this many peers; the count is always exact. */
    static final int MAX_PEERS = 500;

    @Inject
    InstantSource clock;

    public SessionView session(SessionRun run) {
        List<Participant> all = Participant.ofRun(run.id);
        List<ParticipantView> in = all.stream().filter(p -> p.state != ParticipantState.QUEUED)
                .map(Views::participant).toList();
        List<ParticipantView> queued = all.stream().filter(p -> p.state == ParticipantState.QUEUED)
                .map(Views::participant).toList();
        Participant master = all.stream().filter(Participant::master).findFirst().orElse(null);
        long registered = all.stream().filter(p -> !p.master() && p.state != ParticipantState.QUEUED).count();
        return new SessionView(run.name, run.id, run.runNo, run.state.name(), run.groupAddress, run.port,
                run.groupNote, run.sourceKind.name(), run.imageId, master == null ? null : master.deviceId,
                run.senderAddress, run.senderBytesSent, run.senderBytesTotal, run.senderRound, run.senderPayloadBytes,
                run.senderDataPackets, run.senderRepairPackets, run.senderRateBitsPerSecond, run.clients,
                run.timeMillis == null ? null : StartRules.minutesDecimal(run.timeMillis),
                run.openedBy, waitingFor(run, registered), run.startDeadline, run.startReason, run.endReason,
                run.createdAt, run.startedAt, run.endedAt, registered, in, queued);
    }

    public DeviceView device(Participant p, SessionRun run, String message) {
        List<Participant> all = Participant.ofRun(run.id);
        long registered = all.stream().filter(q -> !q.master() && q.state != ParticipantState.QUEUED).count();
        List<Peer> peers = all.stream().filter(q -> q.state != ParticipantState.QUEUED).limit(MAX_PEERS)
                .map(q -> new Peer(q.hostname, q.deviceId, q.role.name(), q.state.name())).toList();
        boolean queued = p.state == ParticipantState.QUEUED;
        String text = message != null ? message : message(p, run, registered);
        return new DeviceView(p.id, null, p.deviceId, p.role.name(), p.state.name(), text,
                run.id + "." + run.revision, run.name, run.id, run.runNo, run.state.name(),
                run.groupAddress, run.port, queued || !run.state.live() ? null : run.sessionKey,
                run.senderAddress, run.sourceKind.name(), run.imageId, run.clients,
                run.timeMillis == null ? null : StartRules.minutesDecimal(run.timeMillis),
                waitingFor(run, registered), run.startDeadline, run.startReason, run.endReason, registered, peers);
    }

    private String message(Participant p, SessionRun run, long registered) {
        if (p.state == ParticipantState.QUEUED) {
            return "imaging of " + run.name + " (run " + run.runNo + ") already started at " + run.startedAt
                    + "; this device is queued for the next run";
        }
        return switch (run.state) {
            case OPEN -> (p.master() ? "master of " : "registered in ") + run.name + ", " + registered
                    + " registered; " + waitingFor(run, registered);
            case STARTED -> "imaging started: " + run.startReason;
            default -> "run " + run.runNo + " ended " + run.state + ": " + run.endReason;
        };
    }

    String waitingFor(SessionRun run, long registered) {
        if (run.state != RunState.OPEN) {
            return null;
        }
        StartRules.Decision d = StartRules.evaluate(new StartRules.Facts(run.sourceKind, run.clients,
                run.timeMillis, registered, run.lastRegistrationAt), clock.instant());
        return d instanceof StartRules.Wait w ? w.reason() : "starting";
    }

    String sourceText(SessionRun run) {
        if (run.sourceKind == SourceKind.IMAGE) {
            return "image " + run.imageId;
        }
        if (run.sourceKind == SourceKind.DEVICE) {
            Participant master = Participant.find("masterOf", run.id).firstResult();
            return "master " + (master == null ? "device" : RunLifecycle.label(master));
        }
        return "none yet";
    }

    static ParticipantView participant(Participant p) {
        Double percent = p.bytesTotal == null || p.bytesTotal == 0 ? null
                : Math.round(1000.0 * p.bytesDone / p.bytesTotal) / 10.0;
        return new ParticipantView(p.id, p.deviceId, p.hostname, p.mac, p.address, p.role.name(), p.state.name(),
                p.bytesDone, p.bytesTotal, percent, p.sha256, p.reason, p.registeredAt, p.progressAt,
                p.rateBytesPerSecond);
    }
}
