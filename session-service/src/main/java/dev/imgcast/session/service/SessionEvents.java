package dev.imgcast.session.service;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.ParticipantInfo;
import dev.imgcast.events.ParticipantRegistered;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionOpened;
import dev.imgcast.events.SessionRunFinished;
import dev.imgcast.events.SessionStarted;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.rules.StartRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.List;

/** The session events of a run, as records of the event contract (module {@code events}); the outbox sends them. */
@ApplicationScoped
public class SessionEvents {
    @Inject
    InstantSource clock;

    SessionOpened opened(SessionRun run) {
        return new SessionOpened(envelope(), session(run, false));
    }

    ParticipantRegistered participantRegistered(SessionRun run, Participant p) {
        return new ParticipantRegistered(envelope(), session(run, false), participant(p));
    }

    /** Everything a sender needs: group, port, key, source, and who is to receive. */
    SessionStarted started(SessionRun run, List<Participant> participants) {
        return new SessionStarted(envelope(), session(run, true), participants.stream()
                .filter(p -> p.state != ParticipantState.QUEUED).map(SessionEvents::participant).toList());
    }

    SessionRunFinished finished(SessionRun run, List<Participant> participants) {
        List<Participant> took = participants.stream().filter(p -> p.state != ParticipantState.QUEUED).toList();
        long verified = took.stream().filter(p -> p.state == ParticipantState.VERIFIED && !p.master()).count();
        return new SessionRunFinished(envelope(), session(run, false), verified,
                took.stream().map(SessionEvents::participant).toList(), participants.size() - took.size());
    }

    private Envelope envelope() {
        return Envelope.at(clock);
    }

    private static SessionInfo session(SessionRun run, boolean withKey) {
        return new SessionInfo(run.id, run.name, run.runNo, run.state.name(), run.groupAddress, run.port,
                SessionInfo.SourceKind.valueOf(run.sourceKind.name()), run.imageId, run.clients,
                run.timeMillis == null ? null : StartRules.minutesDecimal(run.timeMillis), run.senderAddress,
                run.startReason, run.endReason, withKey ? run.sessionKey : null);
    }

    private static ParticipantInfo participant(Participant p) {
        return new ParticipantInfo(p.id, p.deviceId, p.hostname, p.mac, p.address,
                ParticipantInfo.Role.valueOf(p.role.name()), p.state.name(), p.sha256, p.reason);
    }
}
