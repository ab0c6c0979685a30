package dev.imgcast.session.service;

import dev.imgcast.session.domain.ThroughputPoint;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.Role;
import dev.imgcast.session.model.RunSample;
import dev.imgcast.session.model.SessionRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's throughput history, for the dashboard's plot: what the sender has multicast and what
 * the devices have written, sampled when progress comes in, at most once a second per run (and
 * replica), and once more when the run ends.
 */
@ApplicationScoped
public class Samples {
    static final Duration EVERY = Duration.ofSeconds(1);
    /** Reports closer together than this give no rate of their own; the last one stays. */
    private static final double MIN_INTERVAL_SECONDS = 0.2;

    private final Map<Long, Instant> lastSample = new ConcurrentHashMap<>();

    /** A device reported progress. */
    void device(SessionRun run, Instant now) {
        record(run, now, false, false);
    }

    /** The sender reported progress: the sample carries its figure. */
    void sender(SessionRun run, Instant now) {
        record(run, now, false, true);
    }

    /** The run ended: a last sample, whatever the time since the one before. */
    void ended(SessionRun run, Instant now) {
        record(run, now, true, run.senderBytesSent != null);
    }

    /** Called inside the transaction that changed the run. */
    private void record(SessionRun run, Instant now, boolean runEnded, boolean withSender) {
        if (run.startedAt == null) {
            return;  // nothing was sent: no history
        }
        Instant previous = lastSample.get(run.id);
        if (!runEnded && previous != null && Duration.between(previous, now).compareTo(EVERY) < 0) {
            return;
        }
        Object[] received = SessionRun.getEntityManager().createQuery(
                        "select coalesce(sum(p.bytesDone), 0), count(p) from Participant p where p.runId = :run "
                                + "and p.role <> :master and p.state <> :queued", Object[].class)
                .setParameter("run", run.id).setParameter("master", Role.MASTER)
                .setParameter("queued", ParticipantState.QUEUED).getSingleResult();
        RunSample s = new RunSample();
        s.runId = run.id;
        s.at = now;
        s.senderBytes = !withSender ? null
                : run.senderPayloadBytes != null ? run.senderPayloadBytes : run.senderBytesSent;
        s.receivedBytes = ((Number) received[0]).longValue();
        s.receivers = ((Number) received[1]).intValue();
        s.persist();
        if (runEnded) {
            lastSample.remove(run.id);
        } else {
            lastSample.put(run.id, now);
        }
    }

    /** A device's rate since its previous report (or since the start), in bytes per second. */
    static Double rate(Participant p, SessionRun run, long bytesDone, Instant now) {
        Instant since = p.progressAt != null ? p.progressAt : run.startedAt;
        long before = p.progressAt != null ? p.bytesDone : 0;
        if (since == null) {
            return null;
        }
        double seconds = Duration.between(since, now).toNanos() / 1e9;
        if (seconds < MIN_INTERVAL_SECONDS) {
            return p.rateBytesPerSecond;
        }
        return Math.max(0, (bytesDone - before) / seconds);
    }

    static List<ThroughputPoint> points(SessionRun run, List<RunSample> samples) {
        List<ThroughputPoint> out = new ArrayList<>();
        if (run.startedAt == null) {
            return out;
        }
        // the start is the origin: nothing sent, nothing written
        out.add(new ThroughputPoint(0, run.startedAt, null, 0, 0, null, null));
        Instant prevAt = run.startedAt;
        long prevReceived = 0;
        // the sender's figure comes with its own events only: its rate is taken against the last
        // sample that had one, not against samples made by device reports in between
        Instant senderAt = run.startedAt;
        long senderBytes = 0;
        for (RunSample s : samples) {
            double t = Duration.between(run.startedAt, s.at).toMillis() / 1000.0;
            Double sent = null;
            Double received = null;
            double dt = Duration.between(prevAt, s.at).toNanos() / 1e9;
            if (dt > 0 && s.receivers > 0) {
                received = Math.max(0, (s.receivedBytes - prevReceived) / dt / s.receivers);
            }
            if (s.senderBytes != null) {
                double senderDt = Duration.between(senderAt, s.at).toNanos() / 1e9;
                if (senderDt > 0) {
                    sent = Math.max(0, (s.senderBytes - senderBytes) / senderDt);
                }
                senderAt = s.at;
                senderBytes = s.senderBytes;
            }
            out.add(new ThroughputPoint(t, s.at, s.senderBytes, s.receivedBytes, s.receivers, sent, received));
            prevAt = s.at;
            prevReceived = s.receivedBytes;
        }
        return out;
    }
}
