package dev.imgcast.session;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.session.api.ApiException;
import dev.imgcast.session.api.Dtos.ClaimMasterRequest;
import dev.imgcast.session.api.Dtos.CreateSessionRequest;
import dev.imgcast.session.api.Dtos.DeviceView;
import dev.imgcast.session.api.Dtos.ProgressReport;
import dev.imgcast.session.api.Dtos.RegisterRequest;
import dev.imgcast.session.api.Dtos.SessionView;
import dev.imgcast.session.events.Outbox;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.Role;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.rules.Limits;
import dev.imgcast.session.rules.StartRules;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * The session rules of section 1 of the design, on the database. Every change to a run happens
 * with the run's row locked ({@code SELECT ... FOR UPDATE}), so registrations, starts and
 * reports on one run are serialised by the database, whatever the number of service threads or
 * replicas; uniqueness (one live run per name, one live run per group, one master per run, a
 * device once per run) is held by constraints, not by this code.
 */
@ApplicationScoped
public class SessionRegistry {
    private static final Logger LOG = Logger.getLogger(SessionRegistry.class);
    private static final int MAX_RETRIES = 8;

    @Inject
    Outbox outbox;
    @Inject
    AfterCommit afterCommit;
    @Inject
    RunSignals signals;
    @Inject
    Views views;
    @Inject
    TimeRuleClock clock;
    @Inject
    Samples samples;
    @Inject
    SessionMetrics metrics;

    @ConfigProperty(name = "imgcast.session.port", defaultValue = "9100")
    int port;

    /** How long results may come in after the sender finished, before the rest are dropped. */
    @ConfigProperty(name = "imgcast.session.result-grace", defaultValue = "20s")
    java.time.Duration resultGrace;

    // ---------------------------------------------------------------- devices

    public DeviceView register(String name, RegisterRequest request) {
        GroupAddress.checkName(name);
        Role role = parseRole(request.role());
        if (role != Role.MASTER && (request.clients() != null || request.time() != null)) {
            throw ApiException.badRequest("clients= and time= are the master's start rules: give them with role "
                    + "master (img session " + name + " master clients=N time=T)");
        }
        Integer clients = Limits.clients(request.clients());
        Long time = Limits.timeMillis(request.time());
        String token = Secrets.token();
        DeviceView view = retrying(() -> doRegister(name, request, role, clients, time, token)).withToken(token);
        metrics.registered(view.state());
        return view;
    }

    private DeviceView doRegister(String name, RegisterRequest req, Role role, Integer clients, Long time,
                                  String token) {
        Instant now = Instant.now();
        SessionRun run = SessionRun.liveLocked(name).orElse(null);
        if (run == null) {
            run = openRun(name, "DEVICE", now);
            outbox.add("session.opened", Events.opened(run));
        }
        Participant p = Participant.ofRun(run.id, req.deviceId()).orElse(null);
        String message = null;
        if (p != null) {
            // The same device again (a reboot, a second terminal): it keeps its place, the new
            // token replaces the old one.
            describe(p, req);
            p.tokenHash = Secrets.hash(token);
            p.updatedAt = now;
            message = "registered again; the earlier registration of this device is replaced";
            if (role == Role.MASTER && !p.master()) {
                if (p.state == ParticipantState.QUEUED) {
                    wantMaster(p, clients, time);
                } else if (run.state == RunState.OPEN) {
                    claimMaster(run, p, clients, time);
                } else {
                    message += "; imaging already started, so this device cannot become the master now";
                }
            }
        } else {
            p = new Participant();
            p.runId = run.id;
            p.deviceId = req.deviceId();
            describe(p, req);
            p.tokenHash = Secrets.hash(token);
            p.registeredAt = now;
            p.updatedAt = now;
            p.role = role == Role.MASTER ? Role.NONE : role;
            if (run.state == RunState.STARTED) {
                p.state = ParticipantState.QUEUED;
                if (role == Role.MASTER) {
                    wantMaster(p, clients, time);
                }
                p.persist();
            } else {
                if (role == Role.MASTER) {
                    refuseMaster(run);
                }
                p.state = ParticipantState.REGISTERED;
                p.persist();
                SessionRun.flush();
                if (role == Role.MASTER) {
                    claimMaster(run, p, clients, time);
                }
                run.lastRegistrationAt = now;
            }
            outbox.add("session.participant-registered", Events.participantRegistered(run, p));
        }
        evaluate(run, now);
        changed(run);
        return views.device(p, run, message);
    }

    public DeviceView device(long participantId, String token) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Participant p = authenticate(participantId, token);
            return views.device(p, SessionRun.findById(p.runId), null);
        });
    }

    /** Key m: this device becomes the master, with its start rules. */
    public DeviceView claimMaster(long participantId, String token, ClaimMasterRequest request) {
        Integer clients = Limits.clients(request == null ? null : request.clients());
        Long time = Limits.timeMillis(request == null ? null : request.time());
        return retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (p.master()) {
                throw ApiException.conflict("this device is already the master of " + run.name);
            }
            if (p.state == ParticipantState.QUEUED) {
                wantMaster(p, clients, time);
                changed(run);
                return views.device(p, run, "queued: this device will be the master of the next run if no "
                        + "other device is");
            }
            if (run.state != RunState.OPEN) {
                throw ApiException.conflict("run " + run.runNo + " of " + run.name + " is " + run.state
                        + ": a master can only be chosen before imaging starts");
            }
            claimMaster(run, p, clients, time);
            evaluate(run, Instant.now());
            changed(run);
            return views.device(p, run, "this device is now the master of " + run.name);
        });
    }

    /** Key g on the master. */
    public DeviceView startByMaster(long participantId, String token) {
        return retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (!p.master()) {
                throw ApiException.forbidden("only the master can start " + run.name + " (press m on the device "
                        + "to image first, or start it from the server)");
            }
            requireOpen(run);
            String refused = StartRules.refuseExplicitStart(run.sourceKind, Participant.countClients(run.id));
            if (refused != null) {
                throw ApiException.conflict("cannot start " + run.name + ": " + refused);
            }
            start(run, "g pressed on the master (" + label(p) + ")", Instant.now());
            changed(run);
            return views.device(p, run, null);
        });
    }

    /** Progress or result of one device, reported by the device itself. */
    public DeviceView report(long participantId, String token, ProgressReport report) {
        ParticipantState state = parseReportState(report.state());
        return retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (p.state == ParticipantState.QUEUED) {
                throw ApiException.conflict("this device is queued for the next run of " + run.name
                        + " and takes no part in the current one");
            }
            if (run.state != RunState.STARTED) {
                if (p.state == state && p.state.terminal()) {
                    return views.device(p, run, null);  // the same result again: nothing to change
                }
                throw ApiException.conflict("run " + run.runNo + " of " + run.name + " is " + run.state
                        + ", not transferring: progress is not accepted");
            }
            apply(run, p, state, report.bytesDone(), report.bytesTotal(), report.sha256(), report.reason());
            changed(run);
            return views.device(p, run, null);
        });
    }

    // ---------------------------------------------------------------- admin

    public record Created(SessionView view, boolean created) {
    }

    /** "Start a multicast session manually" from the server, with a stored image as its source. */
    public Created createFromServer(CreateSessionRequest req) {
        GroupAddress.checkName(req.name());
        if (!Boolean.TRUE.equals(req.confirm())) {
            throw ApiException.badRequest("confirmation needed: image " + req.imageId() + " will be written to the "
                    + "disk of every device that joins session " + req.name() + "; send \"confirm\": true");
        }
        Integer clients = Limits.clients(req.clients());
        Long time = Limits.timeMillis(req.time());
        return retrying(() -> {
            Instant now = Instant.now();
            SessionRun run = SessionRun.liveLocked(req.name()).orElse(null);
            boolean created = run == null;
            if (created) {
                run = openRun(req.name(), "ADMIN", now);
            } else if (run.state != RunState.OPEN || run.sourceKind != SourceKind.NONE) {
                throw ApiException.conflict("session " + req.name() + " is already live (run " + run.runNo + ", "
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
            outbox.add("session.opened", Events.opened(run));
            evaluate(run, now);
            changed(run);
            return new Created(views.session(run), created);
        });
    }

    public SessionView startByAdmin(String name, String who) {
        return retrying(() -> {
            SessionRun run = liveOr404(name, true);
            requireOpen(run);
            String refused = StartRules.refuseExplicitStart(run.sourceKind, Participant.countClients(run.id));
            if (refused != null) {
                throw ApiException.conflict("cannot start " + name + ": " + refused);
            }
            start(run, "started from the server by " + who, Instant.now());
            changed(run);
            return views.session(run);
        });
    }

    public SessionView cancel(String name, String who) {
        return retrying(() -> {
            SessionRun run = liveOr404(name, true);
            end(run, RunState.CANCELLED, "cancelled by " + who, ParticipantState.CANCELLED, Instant.now());
            return views.session(SessionRun.findById(run.id));
        });
    }

    public SessionView view(String name) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SessionRun run = SessionRun.live(name).orElseGet(() -> {
                List<SessionRun> past = SessionRun.history(name);
                if (past.isEmpty()) {
                    throw ApiException.notFound("no session named " + name);
                }
                return past.get(0);
            });
            return views.session(run);
        });
    }

    public List<SessionView> list(boolean all, Integer limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<SessionRun> runs = !all ? SessionRun.liveRuns() : limit == null
                    ? SessionRun.list("order by createdAt desc")
                    : SessionRun.<SessionRun>find("order by createdAt desc, id desc").page(0, limit).list();
            return runs.stream().map(views::session).toList();
        });
    }

    public List<SessionView> history(String name) {
        GroupAddress.checkName(name);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<SessionRun> runs = SessionRun.history(name);
            if (runs.isEmpty()) {
                throw ApiException.notFound("no session named " + name);
            }
            return runs.stream().map(views::session).toList();
        });
    }

    public record Throughput(String name, long runId, int runNo, String state, Instant startedAt, Instant endedAt,
                             Long bytesTotal, List<Samples.Point> points) {
    }

    /** A run's throughput over time, for a plot; empty points if it never started. */
    public Throughput throughput(long runId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SessionRun run = SessionRun.findById(runId);
            if (run == null) {
                throw ApiException.notFound("no run " + runId);
            }
            Long total = run.senderBytesTotal;
            if (total == null) {
                total = Participant.ofRun(run.id).stream().map(p -> p.bytesTotal).filter(t -> t != null)
                        .findFirst().orElse(null);
            }
            return new Throughput(run.name, run.id, run.runNo, run.state.name(), run.startedAt, run.endedAt, total,
                    Samples.points(run, dev.imgcast.session.model.RunSample.ofRun(run.id)));
        });
    }

    // ---------------------------------------------------------------- transfer events

    /** A transfer event from a sender (the multicast-sender service, or a master device). */
    public void transferEvent(TransferEvent e) {
        retrying(() -> {
            SessionRun run = SessionRun.lockById(e.runId());
            if (run == null) {
                LOG.warnf("transfer event %s for unknown run %d ignored", e.type(), e.runId());
                return null;
            }
            if (run.state != RunState.STARTED) {
                LOG.debugf("transfer event %s for run %d in state %s ignored", e.type(), run.id, run.state);
                return null;
            }
            switch (e.type()) {
                case "transfer.started" -> run.senderAddress = e.senderAddress();
                case "transfer.progress" -> {
                    if (e.deviceId() == null) {
                        // the sender's own progress: how much of the image went out, which round
                        run.senderBytesSent = e.bytesDone();
                        run.senderBytesTotal = e.bytesTotal();
                        run.senderRound = e.round();
                        SenderCounters c = e.counters();
                        if (c != null) {
                            run.senderPayloadBytes = c.payloadBytesSent() != null ? c.payloadBytesSent()
                                    : run.senderPayloadBytes;
                            run.senderDataPackets = c.dataPackets() != null ? c.dataPackets() : run.senderDataPackets;
                            run.senderRepairPackets = c.repairPackets() != null ? c.repairPackets()
                                    : run.senderRepairPackets;
                            run.senderRateBitsPerSecond = c.rateBitsPerSecond();
                        }
                        samples.sender(run, Instant.now());
                    } else {
                        Participant p = Participant.ofRun(run.id, e.deviceId()).orElse(null);
                        if (p == null || p.state == ParticipantState.QUEUED) {
                            LOG.warnf("transfer event %s for device %s, not in run %d, ignored", e.type(),
                                    e.deviceId(), run.id);
                            return null;
                        }
                        apply(run, p, ParticipantState.TRANSFERRING, e.bytesDone(), e.bytesTotal(), null, null);
                    }
                }
                case "transfer.result" -> {
                    Participant p = Participant.ofRun(run.id, e.deviceId()).orElse(null);
                    if (p == null || p.state == ParticipantState.QUEUED) {
                        LOG.warnf("transfer event %s for device %s, not in run %d, ignored", e.type(), e.deviceId(),
                                run.id);
                        return null;
                    }
                    apply(run, p, parseReportState(e.outcome()), e.bytesDone(), e.bytesTotal(), e.sha256(),
                            e.reason());
                }
                case "transfer.finished" -> senderFinished(run, "FAILED".equalsIgnoreCase(e.outcome()),
                        e.reason(), Instant.now());
                default -> throw new IllegalArgumentException("unknown transfer event type " + e.type());
            }
            changed(run);
            return null;
        });
    }

    public record TransferEvent(String type, long runId, String deviceId, Long bytesDone, Long bytesTotal,
                                String outcome, String sha256, String reason, String senderAddress, Integer round,
                                SenderCounters counters) {
    }

    /**
     * What the sender put on the wire so far (optional fields of its transfer.progress); a
     * negative figure is refused when the record is made.
     */
    public record SenderCounters(Long payloadBytesSent, Long dataPackets, Long repairPackets,
                                 Long rateBitsPerSecond) {
        public SenderCounters {
            for (Long v : new Long[] {payloadBytesSent, dataPackets, repairPackets, rateBitsPerSecond}) {
                if (v != null && v < 0) {
                    throw new IllegalArgumentException("sender counters must not be negative");
                }
            }
        }
    }

    // ---------------------------------------------------------------- the clock

    /**
     * Starts the runs whose {@code time=} has passed, and ends those whose result grace has
     * passed; called by the clock.
     */
    public int fireDueTimeRules() {
        List<Long> finishing = QuarkusTransaction.requiringNew().call(() -> SessionRun.dueToFinish(Instant.now()));
        for (long id : finishing) {
            retrying(() -> {
                SessionRun run = SessionRun.lockById(id);
                if (run.state == RunState.STARTED && run.finishDeadline != null
                        && !run.finishDeadline.isAfter(Instant.now())) {
                    dropLateResults(run, Instant.now());
                }
                return null;
            });
        }
        List<Long> due = QuarkusTransaction.requiringNew().call(() -> SessionRun.dueForTimeRule(Instant.now()));
        int started = 0;
        for (long id : due) {
            Boolean s = retrying(() -> {
                SessionRun run = SessionRun.lockById(id);
                if (run.state != RunState.OPEN) {
                    return false;
                }
                evaluate(run, Instant.now());
                changed(run);
                return run.state == RunState.STARTED;
            });
            started += s ? 1 : 0;
        }
        return started;
    }

    // ---------------------------------------------------------------- rules on a locked run

    private SessionRun openRun(String name, String openedBy, Instant now) {
        SessionRun run = new SessionRun();
        run.name = name;
        run.runNo = SessionRun.nextRunNo(name);
        run.state = RunState.OPEN;
        run.liveName = name;
        run.sourceKind = SourceKind.NONE;
        run.port = port;
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
    private void allocateGroup(SessionRun run) {
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
        throw ApiException.conflict("no free multicast group for " + run.name + " after 64 tries");
    }

    private void refuseMaster(SessionRun run) {
        if (run.sourceKind == SourceKind.IMAGE) {
            throw ApiException.conflict("session " + run.name + " sends image " + run.imageId
                    + " from the server: it has no master device; register without master");
        }
        if (run.sourceKind == SourceKind.DEVICE) {
            Participant master = Participant.find("masterOf", run.id).firstResult();
            throw ApiException.conflict("session " + run.name + " already has a master: "
                    + (master == null ? "another device" : label(master)));
        }
    }

    private void claimMaster(SessionRun run, Participant p, Integer clients, Long time) {
        refuseMaster(run);
        p.makeMaster();
        run.sourceKind = SourceKind.DEVICE;
        run.clients = clients;
        run.timeMillis = time;
        run.senderAddress = p.address;
        SessionRun.flush();  // the one-master constraint holds here
    }

    private static void wantMaster(Participant p, Integer clients, Long time) {
        p.wantsMaster = true;
        p.wantedClients = clients;
        p.wantedTimeMillis = time;
    }

    private void evaluate(SessionRun run, Instant now) {
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
                afterCommit.run(() -> clock.wakeAt(deadline));
            }
            run.startDeadline = deadline;
        }
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
        outbox.add("session.started", Events.started(run, participants));
    }

    private void apply(SessionRun run, Participant p, ParticipantState state, Long bytesDone, Long bytesTotal,
                       String sha256, String reason) {
        if (p.state.terminal()) {
            if (p.state == state) {
                return;  // a repeated result
            }
            throw ApiException.conflict("device " + label(p) + " already reported " + p.state);
        }
        if (state == ParticipantState.VERIFIED && (sha256 == null || !sha256.matches("[0-9a-f]{64}"))) {
            throw ApiException.badRequest("a VERIFIED report needs the sha256 of what was written");
        }
        if ((state == ParticipantState.FAILED || state == ParticipantState.DROPPED) && (reason == null
                || reason.isBlank())) {
            throw ApiException.badRequest("a " + state + " report needs a reason");
        }
        if (bytesDone != null && (bytesDone < 0 || (bytesTotal != null && bytesDone > bytesTotal))) {
            throw ApiException.badRequest("bytesDone must be between 0 and bytesTotal");
        }
        if (bytesTotal != null && bytesTotal < 0) {
            throw ApiException.badRequest("bytesTotal must not be negative");
        }
        Instant now = Instant.now();
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
            senderFinished(run, state != ParticipantState.VERIFIED, reason, Instant.now());
        } else if ((run.sourceKind == SourceKind.IMAGE || run.senderDoneAt != null) && allClientsDone(run)) {
            finish(run, run.senderFailure, Instant.now());
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
    private void senderFinished(SessionRun run, boolean failed, String reason, Instant now) {
        if (run.senderDoneAt != null) {
            return;
        }
        run.senderDoneAt = now;
        run.senderFailure = failed ? "the sender failed: " + (reason == null ? "no reason given" : reason) : null;
        if (allClientsDone(run)) {
            finish(run, run.senderFailure, now);
        } else {
            Instant deadline = now.plus(resultGrace);
            run.finishDeadline = deadline;
            afterCommit.run(() -> clock.wakeAt(deadline));
        }
    }

    /** Ends the runs whose grace period after the sender's end has passed; called by the clock. */
    private void dropLateResults(SessionRun run, Instant now) {
        for (Participant q : Participant.ofRun(run.id)) {
            if (!q.master() && q.state != ParticipantState.QUEUED && !q.state.terminal()) {
                q.state = ParticipantState.DROPPED;
                q.reason = "no result from this device within " + resultGrace.toSeconds()
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
                .map(q -> label(q) + " " + q.state + (q.reason == null ? "" : ": " + q.reason))
                .reduce((a, b) -> a + "; " + b).map(s -> " (" + s + ")").orElse("");
        boolean ok = failure == null && verified == clients.size() && verified > 0;
        end(run, ok ? RunState.FINISHED : RunState.FAILED,
                (failure == null ? "" : failure + "; ") + summary + notVerified, ParticipantState.DROPPED, now);
    }

    /**
     * Ends a run, then lets the devices queued during it form the next run of the same name.
     * {@code leftover} is what participants without a result become.
     */
    private void end(SessionRun run, RunState state, String reason, ParticipantState leftover, Instant now) {
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
        outbox.add("session.run-finished", Events.finished(run, all));
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
        outbox.add("session.opened", Events.opened(next));
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
            outbox.add("session.participant-registered", Events.participantRegistered(next, q));
        }
        next.lastRegistrationAt = now;
        LOG.infof("session %s run %d opened with %d queued devices", next.name, next.runNo, queued.size());
        evaluate(next, now);
        changed(next);
    }

    // ---------------------------------------------------------------- helpers

    /** Marks the run changed and wakes its waiting devices once the transaction commits. */
    private void changed(SessionRun run) {
        run.touch();
        long id = run.id;
        afterCommit.run(() -> signals.signal(id));
    }

    private static void requireOpen(SessionRun run) {
        if (run.state != RunState.OPEN) {
            throw ApiException.conflict("run " + run.runNo + " of " + run.name + " already started at "
                    + run.startedAt + " (" + run.startReason + ")");
        }
    }

    private static SessionRun liveOr404(String name, boolean lock) {
        GroupAddress.checkName(name);
        return (lock ? SessionRun.liveLocked(name) : SessionRun.live(name))
                .orElseThrow(() -> ApiException.notFound("no live session named " + name));
    }

    /**
     * The participant as the database holds it now. {@code findById} would answer the copy that
     * {@link #authenticate} loaded before the run's lock was taken, and miss what a transaction
     * that held the lock meanwhile committed (e.g. the sender's result for this device).
     */
    private static Participant fresh(Participant p) {
        Participant.getEntityManager().refresh(p);
        return p;
    }

    private static Participant authenticate(long participantId, String token) {
        if (token == null || token.isBlank()) {
            throw ApiException.unauthorized("missing participant token (header X-Imgcast-Participant-Token): "
                    + "register first");
        }
        Participant p = Participant.findById(participantId);
        if (p == null || !Secrets.sameSecret(p.tokenHash, Secrets.hash(token))) {
            throw ApiException.forbidden("this token does not belong to participant " + participantId);
        }
        return p;
    }

    private static void describe(Participant p, RegisterRequest req) {
        p.hostname = req.hostname();
        p.mac = req.mac() == null ? null : req.mac().toLowerCase(Locale.ROOT);
        p.address = req.address();
    }

    static String label(Participant p) {
        return p.hostname != null ? p.hostname : p.deviceId;
    }

    static Role parseRole(String role) {
        if (role == null || role.isBlank()) {
            return Role.NONE;
        }
        return switch (role.trim().toLowerCase(Locale.ROOT)) {
            case "master", "m" -> Role.MASTER;
            case "client", "c" -> Role.CLIENT;
            default -> throw ApiException.badRequest("role must be master (m), client (c) or absent, not '" + role
                    + "'");
        };
    }

    static ParticipantState parseReportState(String state) {
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
        throw ApiException.badRequest("state must be TRANSFERRING, VERIFIED, FAILED or DROPPED, not '" + state + "'");
    }

    /**
     * Runs {@code work} in a new transaction, again if a uniqueness constraint tripped because
     * another request opened the same name or took the same group at the same moment.
     */
    private <T> T retrying(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(work::get);
            } catch (RuntimeException e) {
                ConstraintViolationException cv = find(e, ConstraintViolationException.class);
                if (cv == null || attempt >= MAX_RETRIES) {
                    ApiException api = find(e, ApiException.class);
                    if (api != null) {
                        throw api;
                    }
                    if (cv != null) {
                        throw ApiException.conflict("concurrent change, please retry (" + cv.getConstraintName()
                                + ")");
                    }
                    throw e;
                }
                LOG.debugf("retrying after %s", cv.getConstraintName());
            }
        }
    }

    private static <X extends Throwable> X find(Throwable t, Class<X> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
