package dev.imgcast.session.service;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.DeviceView;
import dev.imgcast.session.domain.InvalidInputException;
import dev.imgcast.session.domain.MasterClaim;
import dev.imgcast.session.domain.MissingCredentialsException;
import dev.imgcast.session.domain.NotPermittedException;
import dev.imgcast.session.domain.Progress;
import dev.imgcast.session.domain.Registration;
import dev.imgcast.session.outbox.Outbox;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.Role;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.rules.Limits;
import dev.imgcast.session.support.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;

/**
 * What devices do ({@code img session}): register, read their view, key m (master), key g
 * (start), report progress and the result. Each call is one transaction on the run's locked row.
 */
@ApplicationScoped
public class DeviceService {
    @Inject
    RunLifecycle lifecycle;
    @Inject
    RunResults results;
    @Inject
    Views views;
    @Inject
    Outbox outbox;
    @Inject
    SessionEvents events;
    @Inject
    SessionMetrics metrics;
    @Inject
    InstantSource clock;

    public DeviceView register(String name, Registration request) {
        GroupAddress.checkName(name);
        Role role = parseRole(request.role());
        if (role != Role.MASTER && (request.clients() != null || request.time() != null)) {
            throw new InvalidInputException("clients= and time= are the master's start rules: give them with role "
                    + "master (img session " + name + " master clients=N time=T)");
        }
        Integer clients = Limits.clients(request.clients());
        Long time = Limits.timeMillis(request.time());
        String token = Secrets.token();
        DeviceView view = Transactions.retrying(() -> doRegister(name, request, role, clients, time, token))
                .withToken(token);
        metrics.registered(view.state());
        return view;
    }

    private DeviceView doRegister(String name, Registration req, Role role, Integer clients, Long time,
                                  String token) {
        Instant now = clock.instant();
        SessionRun run = SessionRun.liveLocked(name).orElse(null);
        if (run == null) {
            run = lifecycle.openRun(name, "DEVICE", now);
            outbox.add(events.opened(run));
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
                    RunLifecycle.wantMaster(p, clients, time);
                } else if (run.state == RunState.OPEN) {
                    lifecycle.claimMaster(run, p, clients, time);
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
                    RunLifecycle.wantMaster(p, clients, time);
                }
                p.persist();
            } else {
                if (role == Role.MASTER) {
                    RunLifecycle.refuseMaster(run);
                }
                p.state = ParticipantState.REGISTERED;
                p.persist();
                SessionRun.flush();
                if (role == Role.MASTER) {
                    lifecycle.claimMaster(run, p, clients, time);
                }
                run.lastRegistrationAt = now;
            }
            outbox.add(events.participantRegistered(run, p));
        }
        lifecycle.evaluate(run, now);
        lifecycle.changed(run);
        return views.device(p, run, message);
    }

    public DeviceView device(long participantId, String token) {
        return Transactions.reading(() -> {
            Participant p = authenticate(participantId, token);
            return views.device(p, SessionRun.findById(p.runId), null);
        });
    }

    /** Key m: this device becomes the master, with its start rules. */
    public DeviceView claimMaster(long participantId, String token, MasterClaim request) {
        Integer clients = Limits.clients(request == null ? null : request.clients());
        Long time = Limits.timeMillis(request == null ? null : request.time());
        return Transactions.retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (p.master()) {
                throw new ConflictException("this device is already the master of " + run.name);
            }
            if (p.state == ParticipantState.QUEUED) {
                RunLifecycle.wantMaster(p, clients, time);
                lifecycle.changed(run);
                return views.device(p, run, "queued: this device will be the master of the next run if no "
                        + "other device is");
            }
            if (run.state != RunState.OPEN) {
                throw new ConflictException("run " + run.runNo + " of " + run.name + " is " + run.state
                        + ": a master can only be chosen before imaging starts");
            }
            lifecycle.claimMaster(run, p, clients, time);
            lifecycle.evaluate(run, clock.instant());
            lifecycle.changed(run);
            return views.device(p, run, "this device is now the master of " + run.name);
        });
    }

    /** Key g on the master. */
    public DeviceView startByMaster(long participantId, String token) {
        return Transactions.retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (!p.master()) {
                throw new NotPermittedException("only the master can start " + run.name + " (press m on the device "
                        + "whose disk is the image first, or start it from the server)");
            }
            lifecycle.startExplicitly(run, "g pressed on the master (" + RunLifecycle.label(p) + ")", clock.instant());
            lifecycle.changed(run);
            return views.device(p, run, null);
        });
    }

    /** Progress or result of one device, reported by the device itself. */
    public DeviceView report(long participantId, String token, Progress report) {
        ParticipantState state = RunResults.reportState(report.state());
        return Transactions.retrying(() -> {
            Participant p = authenticate(participantId, token);
            SessionRun run = SessionRun.lockById(p.runId);
            p = fresh(p);
            if (p.state == ParticipantState.QUEUED) {
                throw new ConflictException("this device is queued for the next run of " + run.name
                        + " and takes no part in the current one");
            }
            if (run.state != RunState.STARTED) {
                if (p.state == state && p.state.terminal()) {
                    return views.device(p, run, null);  // the same result again: nothing to change
                }
                throw new ConflictException("run " + run.runNo + " of " + run.name + " is " + run.state
                        + ", not transferring: progress is not accepted");
            }
            results.apply(run, p, state, report.bytesDone(), report.bytesTotal(), report.sha256(), report.reason(),
                    clock.instant());
            lifecycle.changed(run);
            return views.device(p, run, null);
        });
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
            throw new MissingCredentialsException("missing participant token (header X-Imgcast-Participant-Token): "
                    + "register first");
        }
        Participant p = Participant.findById(participantId);
        if (p == null || !Secrets.sameSecret(p.tokenHash, Secrets.hash(token))) {
            throw new NotPermittedException("this token does not belong to participant " + participantId);
        }
        return p;
    }

    private static void describe(Participant p, Registration req) {
        p.hostname = req.hostname();
        p.mac = req.mac() == null ? null : req.mac().toLowerCase(Locale.ROOT);
        p.address = req.address();
    }

    static Role parseRole(String role) {
        if (role == null || role.isBlank()) {
            return Role.NONE;
        }
        return switch (role.trim().toLowerCase(Locale.ROOT)) {
            case "master", "m" -> Role.MASTER;
            case "client", "c" -> Role.CLIENT;
            default -> throw new InvalidInputException("role must be master (m), client (c) or absent, not '" + role
                    + "'");
        };
    }
}
