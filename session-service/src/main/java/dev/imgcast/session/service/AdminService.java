package dev.imgcast.session.service;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.CreatedSession;
import dev.imgcast.session.domain.ImageSession;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.domain.RulesChange;
import dev.imgcast.session.domain.SessionView;
import dev.imgcast.session.domain.Throughput;
import dev.imgcast.session.domain.UnknownSessionException;
import dev.imgcast.session.outbox.Outbox;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.RunSample;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.rules.Limits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * What the imaging server's admins do: start a session from the server with a stored image,
 * start now, cancel; and what they see: sessions, their runs, a run's throughput.
 */
@ApplicationScoped
public class AdminService {
    @Inject
    RunLifecycle lifecycle;
    @Inject
    Views views;
    @Inject
    Outbox outbox;
    @Inject
    SessionEvents events;
    @Inject
    InstantSource clock;
    @Inject
    ImageCheck images;

    /**
     * "Start a multicast session manually" from the server, with a stored image as its source. The
     * image is checked with image-store first (unknown, still uploading or no answer: refused, nothing
     * created). Confirmed without {@code clients=} or {@code time=}, the run starts at once with the
     * devices waiting (the confirmation is the start); with nobody waiting that is refused.
     */
    public CreatedSession createFromServer(ImageSession req, String who) {
        GroupAddress.checkName(req.name());
        if (!Boolean.TRUE.equals(req.confirm())) {
            throw new InvalidInputException("confirmation needed: image " + req.imageId() + " will be written to the "
                    + "disk of every device that joins session " + req.name() + "; send \"confirm\": true");
        }
        Integer clients = Limits.clients(req.clients());
        Long time = Limits.timeMillis(req.time());
        images.requireReady(req.imageId());
        return Transactions.retrying(() -> {
            Instant now = clock.instant();
            SessionRun run = SessionRun.liveLocked(req.name()).orElse(null);
            boolean created = run == null;
            if (created) {
                run = lifecycle.openRun(req.name(), "ADMIN", now);
            } else if (run.state != RunState.OPEN || run.sourceKind != SourceKind.NONE) {
                throw new ConflictException("session " + req.name() + " is already live (run " + run.runNo + ", "
                        + run.state + ", source " + views.sourceText(run)
                        + "): cancel it first or choose another name");
            }
            run.sourceKind = SourceKind.IMAGE;
            run.imageId = req.imageId();
            run.clients = clients;
            run.timeMillis = time;
            if (run.lastRegistrationAt == null) {
                run.lastRegistrationAt = now;
            }
            // opened with its image, or (devices waiting) opened again with one: who keeps
            // images learns that this run uses it
            outbox.add(events.opened(run));
            if (clients == null && time == null) {
                // no rule to wait for: the confirmation is the start
                if (Participant.countClients(run.id) == 0) {
                    throw new ConflictException("no device waits in session " + req.name() + " to receive image "
                            + req.imageId() + ", and without clients= or time= the session starts at once: give "
                            + "clients=N or time=T to wait for devices, or confirm once devices wait in img session "
                            + req.name() + "; nothing was created");
                }
                lifecycle.startExplicitly(run, "started from the server by " + who + " (confirmed, no clients= or"
                        + " time=)", now);
            } else {
                lifecycle.evaluate(run, now);
            }
            lifecycle.changed(run);
            return new CreatedSession(views.session(run), created);
        });
    }

    /**
     * The admin replaces the start rules of a run that waits: {@code time=} counts from now (or a
     * later registration), and the rules are applied at once (lowering {@code clients=} to the number
     * registered starts the run). A run the server sends left without rules starts now, as a
     * confirmation without rules does. Refused on a run that started or ended, and on one without a
     * source (its rules are the master's to give).
     */
    public SessionView changeRules(String name, RulesChange change, String who) {
        GroupAddress.checkName(name);
        Integer clients = Limits.clients(change.clients());
        Long time = Limits.timeMillis(change.time());
        return Transactions.retrying(() -> {
            SessionRun run = SessionRun.liveLocked(name).orElseThrow(() -> {
                List<SessionRun> past = SessionRun.history(name);
                if (past.isEmpty()) {
                    return new UnknownSessionException("no session named " + name);
                }
                SessionRun last = past.get(0);
                return new ConflictException("run " + last.runNo + " of " + name + " ended " + last.state + " at "
                        + last.endedAt + ": there is no waiting run whose rules could change");
            });
            RunLifecycle.requireOpen(run);
            if (run.sourceKind == SourceKind.NONE) {
                throw new ConflictException("session " + name + " has no source yet: its rules come with the master "
                        + "(img session " + name + " master clients=N time=T) or with the server's image "
                        + "(POST /api/sessions)");
            }
            Instant now = clock.instant();
            run.clients = clients;
            run.timeMillis = time;
            if (time != null) {
                run.lastRegistrationAt = now;
            }
            if (clients == null && time == null && run.sourceKind == SourceKind.IMAGE) {
                lifecycle.startExplicitly(run, "started from the server by " + who + " (rules removed)", now);
            } else {
                lifecycle.evaluate(run, now);
            }
            lifecycle.changed(run);
            return views.session(run);
        });
    }

    public SessionView startByAdmin(String name, String who) {
        return Transactions.retrying(() -> {
            SessionRun run = RunLifecycle.liveOr404(name, true);
            lifecycle.startExplicitly(run, "started from the server by " + who, clock.instant());
            lifecycle.changed(run);
            return views.session(run);
        });
    }

    public SessionView cancel(String name, String who) {
        return Transactions.retrying(() -> {
            SessionRun run = RunLifecycle.liveOr404(name, true);
            lifecycle.end(run, RunState.CANCELLED, "cancelled by " + who,
                    ParticipantState.CANCELLED, clock.instant());
            return views.session(SessionRun.findById(run.id));
        });
    }

    public SessionView view(String name) {
        return Transactions.reading(() -> {
            SessionRun run = SessionRun.live(name).orElseGet(() -> {
                List<SessionRun> past = SessionRun.history(name);
                if (past.isEmpty()) {
                    throw new UnknownSessionException("no session named " + name);
                }
                return past.get(0);
            });
            return views.session(run);
        });
    }

    public List<SessionView> list(boolean all, Integer limit) {
        return Transactions.reading(() -> {
            List<SessionRun> runs = !all ? SessionRun.liveRuns() : limit == null
                    ? SessionRun.list("order by createdAt desc")
                    : SessionRun.<SessionRun>find("order by createdAt desc, id desc").page(0, limit).list();
            return runs.stream().map(views::session).toList();
        });
    }

    public List<SessionView> history(String name) {
        GroupAddress.checkName(name);
        return Transactions.reading(() -> {
            List<SessionRun> runs = SessionRun.history(name);
            if (runs.isEmpty()) {
                throw new UnknownSessionException("no session named " + name);
            }
            return runs.stream().map(views::session).toList();
        });
    }

    /** A run's throughput over time, for a plot; empty points if it never started. */
    public Throughput throughput(long runId) {
        return Transactions.reading(() -> {
            SessionRun run = SessionRun.findById(runId);
            if (run == null) {
                throw new UnknownSessionException("no run " + runId);
            }
            Long total = run.senderBytesTotal;
            if (total == null) {
                total = Participant.ofRun(run.id).stream().map(p -> p.bytesTotal).filter(t -> t != null)
                        .findFirst().orElse(null);
            }
            return new Throughput(run.name, run.id, run.runNo, run.state.name(), run.startedAt, run.endedAt, total,
                    Samples.points(run, RunSample.ofRun(run.id)));
        });
    }
}
