package dev.imgcast.session.service;

import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.support.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Progress and results of a started run, from the devices or the sender, on a locked run: a
 * result is final; the run ends when every device has its result and the sender is done;
 * results still missing a grace period after the sender finished are dropped.
 */
@ApplicationScoped
public class RunResults {
    @Inject
    RunLifecycle lifecycle;
    @Inject
    AfterCommit afterCommit;
    @Inject
    Deadlines deadlines;
    @Inject
    Samples samples;
    @Inject
    SessionConfig config;

    /** One device's progress or result. */
    void apply(SessionRun run, Participant p, ParticipantState state, Long bytesDone, Long bytesTotal,
               String sha256, String reason, Instant now) {
        if (p.state.terminal()) {
            if (p.state == state) {
                return;  // a repeated result
            }
            throw new ConflictException("device " + RunLifecycle.label(p) + " already reported " + p.state);
        }
        if (state == ParticipantState.VERIFIED && (sha256 == null || !sha256.matches("[0-9a-f]{64}"))) {
            throw new InvalidInputException("a VERIFIED report needs the sha256 of what was written");
        }
        if ((state == ParticipantState.FAILED || state == ParticipantState.DROPPED) && (reason == null
                || reason.isBlank())) {
            throw new InvalidInputException("a " + state + " report needs a reason");
        }
        if (bytesDone != null && (bytesDone < 0 || (bytesTotal != null && bytesDone > bytesTotal))) {
            throw new InvalidInputException("bytesDone must be between 0 and bytesTotal");
        }
        if (bytesTotal != null && bytesTotal < 0) {
            throw new InvalidInputException("bytesTotal must not be negative");
        }
        if (bytesDone != null) {
            p.rateBytesPerSecond = Samples.rate(p, run, bytesDone, now);
            p.progressAt = now;
        }
        p.state = state;
        if (bytesDone != null) {
            p.bytesDone = bytesDone;
        }
        if (bytesTotal != null) {
            p.bytesTotal = bytesTotal;
        }
        if (sha256 != null) {
            p.sha256 = sha256;
        }
        if (reason != null) {
            p.reason = reason;
        }
        p.updatedAt = now;
        if (bytesDone != null && !p.master()) {
            samples.device(run, now);
        }
        if (!state.terminal()) {
            return;
        }
        if (p.master()) {
            senderFinished(run, state != ParticipantState.VERIFIED, reason, now);
        } else if ((run.sourceKind == SourceKind.IMAGE || run.senderDoneAt != null) && allClientsDone(run)) {
            finish(run, run.senderFailure, now);
        }
    }

    private static boolean allClientsDone(SessionRun run) {
        return Participant.ofRun(run.id).stream()
                .filter(q -> !q.master() && q.state != ParticipantState.QUEUED)
                .allMatch(q -> q.state.terminal());
    }

    /**
     * The sender's last word. The run ends when every device has its result; devices whose
     * result has not come within the grace period are then dropped.
     */
    void senderFinished(SessionRun run, boolean failed, String reason, Instant now) {
        if (run.senderDoneAt != null) {
            return;
        }
        run.senderDoneAt = now;
        run.senderFailure = failed ? "the sender failed: " + (reason == null ? "no reason given" : reason) : null;
        if (allClientsDone(run)) {
            finish(run, run.senderFailure, now);
        } else {
            Instant deadline = now.plus(config.resultGrace());
            run.finishDeadline = deadline;
            afterCommit.run(() -> deadlines.wakeAt(deadline));
        }
    }

    /** Ends a run whose grace period after the sender's end has passed; called by the time rules. */
    void dropLateResults(SessionRun run, Instant now) {
        for (Participant q : Participant.ofRun(run.id)) {
            if (!q.master() && q.state != ParticipantState.QUEUED && !q.state.terminal()) {
                q.state = ParticipantState.DROPPED;
                q.reason = "no result from this device within " + config.resultGrace().toSeconds()
                        + " s after the sender finished";
                q.updatedAt = now;
            }
        }
        finish(run, run.senderFailure, now);
    }

    private void finish(SessionRun run, String failure, Instant now) {
        List<Participant> clients = Participant.ofRun(run.id).stream()
                .filter(q -> !q.master() && q.state != ParticipantState.QUEUED).toList();
        long verified = clients.stream().filter(q -> q.state == ParticipantState.VERIFIED).count();
        String summary = verified + " of " + clients.size() + " verified";
        String notVerified = clients.stream().filter(q -> q.state != ParticipantState.VERIFIED)
                .map(q -> RunLifecycle.label(q) + " " + q.state + (q.reason == null ? "" : ": " + q.reason))
                .reduce((a, b) -> a + "; " + b).map(s -> " (" + s + ")").orElse("");
        boolean ok = failure == null && verified == clients.size() && verified > 0;
        lifecycle.end(run, ok ? RunState.FINISHED : RunState.FAILED,
                (failure == null ? "" : failure + "; ") + summary + notVerified, ParticipantState.DROPPED, now);
    }

    /** A reported state: TRANSFERRING or a result. */
    static ParticipantState reportState(String state) {
        if (state != null) {
            switch (state.trim().toUpperCase(Locale.ROOT)) {
                case "TRANSFERRING":
                    return ParticipantState.TRANSFERRING;
                case "VERIFIED":
                    return ParticipantState.VERIFIED;
                case "FAILED":
                    return ParticipantState.FAILED;
                case "DROPPED":
                    return ParticipantState.DROPPED;
                default:
                    break;
            }
        }
        throw new InvalidInputException("state must be TRANSFERRING, VERIFIED, FAILED or DROPPED, not '" + state + "'");
    }
}
