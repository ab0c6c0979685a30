package dev.imgcast.session.service;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.UnknownSessionException;
import dev.imgcast.session.outbox.Outbox;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.Role;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.rules.StartRules;
import dev.imgcast.session.support.AfterCommit;
import dev.imgcast.session.support.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A run from its opening to its end, on a run whose row the caller has locked
 * ({@code SELECT ... FOR UPDATE}), so registrations, starts and reports on one run are serialised
 * by the database, whatever the number of service threads or replicas; uniqueness (one live run
 * per name, one live run per group, one master per run, a device once per run) is held by
 * constraints, not by this code. Opening (name, group, key), the master, the start rules, the
 * start, the end, and the next run formed by the devices queued during this one.
 */
@ApplicationScoped
public class RunLifecycle {
    private static final Logger LOG = Logger.getLogger(RunLifecycle.class);

    @Inject
    Outbox outbox;
    @Inject
    SessionEvents events;
    @Inject
    AfterCommit afterCommit;
    @Inject
    RunSignals signals;
    @Inject
    Deadlines deadlines;
    @Inject
    Samples samples;
    @Inject
    SessionMetrics metrics;
    @Inject
    SessionConfig config;

    SessionRun openRun(String name, String openedBy, Instant now) {
        SessionRun run = new SessionRun();
        run.name = name;
        run.runNo = SessionRun.nextRunNo(name);
        run.state = RunState.OPEN;
        run.liveName = name;
        run.sourceKind = SourceKind.NONE;
        run.port = config.port();
        run.sessionKey = Secrets.sessionKey();
        run.openedBy = openedBy;
        run.createdAt = now;
        allocateGroup(run);
        run.persist();
        SessionRun.flush();  // a concurrent opening of the same name fails here, and is retried
        return run;
    }

    /**
     * The group derived from the name; if a live session holds it, the next alternative
     * ({@code name#1}, {@code name#2}, ...), which every registry finds in the same order.
     */
    private static void allocateGroup(SessionRun run) {
        StringBuilder note = new StringBuilder();
        for (int attempt = 0; attempt < 64; attempt++) {
            String group = GroupAddress.derive(run.name, attempt).getHostAddress();
            SessionRun holder = SessionRun.find("liveGroup", group).firstResult();
            if (holder == null) {
                run.groupAddress = group;
                run.liveGroup = group;
                run.groupAttempt = attempt;
                run.groupNote = note.length() == 0 ? null : note.append("took alternative ").append(attempt)
                        .toString();
                return;
            }
            note.append(group).append(" is used by live session ").append(holder.name).append("; ");
        }
        throw new ConflictException("no free multicast group for " + run.name + " after 64 tries");
    }

    static void refuseMaster(SessionRun run) {
        if (run.sourceKind == SourceKind.IMAGE) {
            throw new ConflictException("session " + run.name + " sends image " + run.imageId
                    + " from the server: it has no master device; register without master");
        }
        if (run.sourceKind == SourceKind.DEVICE) {
            Participant master = Participant.find("masterOf", run.id).firstResult();
            throw new ConflictException("session " + run.name + " already has a master: "
                    + (master == null ? "another device" : label(master)));
        }
    }

    void claimMaster(SessionRun run, Participant p, Integer clients, Long time) {
        refuseMaster(run);
        p.makeMaster();
        run.sourceKind = SourceKind.DEVICE;
        run.clients = clients;
        run.timeMillis = time;
        run.senderAddress = p.address;
        SessionRun.flush();  // the one-master constraint holds here
    }

    /** A queued device asked for master: it becomes the master of the next run if nobody else is. */
    static void wantMaster(Participant p, Integer clients, Long time) {
        p.wantsMaster = true;
        p.wantedClients = clients;
        p.wantedTimeMillis = time;
    }

    /** The start rules on an open run: start it now, or keep waiting (and arm the time rule's timer). */
    void evaluate(SessionRun run, Instant now) {
        if (run.state != RunState.OPEN) {
            return;
        }
        StartRules.Decision d = StartRules.evaluate(new StartRules.Facts(run.sourceKind, run.clients, run.timeMillis,
                Participant.countClients(run.id), run.lastRegistrationAt), now);
        if (d instanceof StartRules.Start s) {
            start(run, s.reason(), now);
        } else {
            Instant deadline = ((StartRules.Wait) d).deadline();
            if (deadline != null && !deadline.equals(run.startDeadline)) {
                afterCommit.run(() -> deadlines.wakeAt(deadline));
            }
            run.startDeadline = deadline;
        }
    }

    /** An explicit start (g on the master, or the server): refused when nobody is there to receive. */
    void startExplicitly(SessionRun run, String reason, Instant now) {
        requireOpen(run);
        String refused = StartRules.refuseExplicitStart(run.sourceKind, Participant.countClients(run.id));
        if (refused != null) {
            throw new ConflictException("cannot start " + run.name + ": " + refused);
        }
        start(run, reason, now);
    }

    private void start(SessionRun run, String reason, Instant now) {
        run.state = RunState.STARTED;
        run.startReason = reason;
        run.startedAt = now;
        run.startDeadline = null;
        List<Participant> participants = Participant.ofRun(run.id);
        for (Participant p : participants) {
            if (p.role == Role.NONE && p.state == ParticipantState.REGISTERED) {
                p.role = Role.CLIENT;
            }
        }
        LOG.infof("session %s run %d started: %s", run.name, run.runNo, reason);
        outbox.add(events.started(run, participants));
    }

    /**
     * Ends a run, then lets the devices queued during it form the next run of the same name.
     * {@code leftover} is what participants without a result become.
     */
    void end(SessionRun run, RunState state, String reason, ParticipantState leftover, Instant now) {
        run.state = state;
        run.endReason = reason.length() > 500 ? reason.substring(0, 497) + "..." : reason;
        run.endedAt = now;
        run.startDeadline = null;
        run.finishDeadline = null;
        run.liveName = null;
        run.liveGroup = null;
        List<Participant> all = Participant.ofRun(run.id);
        for (Participant q : all) {
            if (q.state != ParticipantState.QUEUED && !q.state.terminal()) {
                q.state = leftover;
                q.reason = q.reason == null ? reason : q.reason;
                q.updatedAt = now;
            }
        }
        changed(run);
        SessionRun.flush();  // frees the name and the group before the next run takes them
        samples.ended(run, now);
        metrics.runEnded(run, all);
        LOG.infof("session %s run %d %s: %s", run.name, run.runNo, state, run.endReason);
        outbox.add(events.finished(run, all));
        List<Participant> queued = all.stream().filter(q -> q.state == ParticipantState.QUEUED).toList();
        if (!queued.isEmpty()) {
            openNextRun(run, queued, now);
        }
    }

    private void openNextRun(SessionRun previous, List<Participant> queued, Instant now) {
        SessionRun next = openRun(previous.name, "QUEUE", now);
        if (previous.sourceKind == SourceKind.IMAGE) {
            next.sourceKind = SourceKind.IMAGE;
            next.imageId = previous.imageId;
            next.clients = previous.clients;
            next.timeMillis = previous.timeMillis;
        }
        outbox.add(events.opened(next));
        for (Participant q : queued) {
            q.runId = next.id;
            q.state = ParticipantState.REGISTERED;
            q.updatedAt = now;
        }
        SessionRun.flush();
        for (Participant q : queued) {
            if (q.wantsMaster && next.sourceKind == SourceKind.NONE) {
                claimMaster(next, q, q.wantedClients, q.wantedTimeMillis);
            }
            q.wantsMaster = false;
            q.wantedClients = null;
            q.wantedTimeMillis = null;
            outbox.add(events.participantRegistered(next, q));
        }
        next.lastRegistrationAt = now;
        LOG.infof("session %s run %d opened with %d queued devices", next.name, next.runNo, queued.size());
        if (next.sourceKind == SourceKind.IMAGE && next.clients == null && next.timeMillis == null) {
            // the server's image, confirmed without rules: nothing to wait for, as for the first run
            start(next, "the devices queued during run " + previous.runNo + " (the server's image, confirmed with"
                    + " no clients= or time=)", now);
        } else {
            evaluate(next, now);
        }
        changed(next);
    }

    /** Marks the run changed and wakes its waiting devices once the transaction commits. */
    void changed(SessionRun run) {
        run.touch();
        long id = run.id;
        afterCommit.run(() -> signals.signal(id));
    }

    static void requireOpen(SessionRun run) {
        if (run.state != RunState.OPEN) {
            throw new ConflictException("run " + run.runNo + " of " + run.name + " already started at "
                    + run.startedAt + " (" + run.startReason + ")");
        }
    }

    static SessionRun liveOr404(String name, boolean lock) {
        GroupAddress.checkName(name);
        return (lock ? SessionRun.liveLocked(name) : SessionRun.live(name))
                .orElseThrow(() -> new UnknownSessionException("no live session named " + name));
    }

    static String label(Participant p) {
        return p.hostname != null ? p.hostname : p.deviceId;
    }
}
