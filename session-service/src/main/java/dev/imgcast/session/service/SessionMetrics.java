package dev.imgcast.session.service;

import dev.imgcast.session.model.Participant;
import dev.imgcast.session.support.AfterCommit;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What session-service exposes at {@code /q/metrics} (Prometheus names in brackets).
 * <ul>
 * <li>runs by state, from the database [{@code imgcast_sessions{state}}]: the same value on every
 *     replica, so aggregate it with {@code max}, not {@code sum};
 * <li>devices in live runs by state [{@code imgcast_session_participants{state}}], same remark;
 * <li>the stream rate of the runs imaging now, bytes per second [{@code imgcast_session_transfer_rate_bytes_per_second}]:
 *     the sender's pacing rate where the multicast-sender reports it, else the devices' mean write rate;
 * <li>registrations accepted by this replica, joined or queued [{@code imgcast_session_registrations_total{result}}];
 * <li>runs ended, by final state [{@code imgcast_session_runs_ended_total{state}}];
 * <li>device results of ended runs, VERIFIED, FAILED, DROPPED or CANCELLED
 *     [{@code imgcast_session_receivers_total{outcome}}]; dropped receivers are {@code outcome="DROPPED"}.
 * </ul>
 * Database-backed gauges are refreshed every 5 s, not at each scrape.
 */
@ApplicationScoped
public class SessionMetrics {
    private static final Logger LOG = Logger.getLogger(SessionMetrics.class);

    @Inject
    MeterRegistry registry;
    @Inject
    AfterCommit afterCommit;

    private volatile Map<RunState, Long> runs = new EnumMap<>(RunState.class);
    private volatile Map<ParticipantState, Long> participants = new EnumMap<>(ParticipantState.class);
    private volatile double streamRate;

    @PostConstruct
    void register() {
        for (RunState s : RunState.values()) {
            Gauge.builder("imgcast.sessions", this, m -> m.runs.getOrDefault(s, 0L)).tag("state", s.name())
                    .description("Session runs by state (from the database)").register(registry);
        }
        for (ParticipantState s : ParticipantState.values()) {
            Gauge.builder("imgcast.session.participants", this, m -> m.participants.getOrDefault(s, 0L))
                    .tag("state", s.name()).description("Devices of live runs by state (from the database)")
                    .register(registry);
        }
        Gauge.builder("imgcast.session.transfer.rate.bytes.per.second", this, m -> m.streamRate)
                .description("Stream rate of the runs imaging now").register(registry);
        for (String result : List.of("REGISTERED", "QUEUED")) {
            registry.counter("imgcast.session.registrations", "result", result);
        }
        for (String outcome : List.of("VERIFIED", "FAILED", "DROPPED", "CANCELLED")) {
            registry.counter("imgcast.session.receivers", "outcome", outcome);
        }
    }

    void registered(String participantState) {
        registry.counter("imgcast.session.registrations", "result",
                "QUEUED".equals(participantState) ? "QUEUED" : "REGISTERED").increment();
    }

    /** Inside the transaction that ends the run; counted once it committed. */
    void runEnded(SessionRun run, List<Participant> all) {
        String state = run.state.name();
        Map<ParticipantState, Long> outcomes = new EnumMap<>(ParticipantState.class);
        for (Participant p : all) {
            if (!p.master() && p.state.terminal()) {
                outcomes.merge(p.state, 1L, Long::sum);
            }
        }
        afterCommit.run(() -> {
            registry.counter("imgcast.session.runs.ended", "state", state).increment();
            outcomes.forEach((s, n) -> registry.counter("imgcast.session.receivers", "outcome", s.name())
                    .increment(n));
        });
    }

    @Scheduled(every = "5s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                Map<RunState, Long> r = new EnumMap<>(RunState.class);
                for (Object[] row : SessionRun.getEntityManager().createQuery(
                        "select r.state, count(r) from SessionRun r group by r.state", Object[].class).getResultList()) {
                    r.put((RunState) row[0], ((Number) row[1]).longValue());
                }
                Map<ParticipantState, Long> p = new EnumMap<>(ParticipantState.class);
                for (Object[] row : SessionRun.getEntityManager().createQuery(
                        "select p.state, count(p) from Participant p, SessionRun r where p.runId = r.id "
                                + "and r.liveName is not null group by p.state", Object[].class).getResultList()) {
                    p.put((ParticipantState) row[0], ((Number) row[1]).longValue());
                }
                double rate = 0;
                for (SessionRun run : SessionRun.<SessionRun>list("state", RunState.STARTED)) {
                    if (run.senderRateBitsPerSecond != null) {
                        rate += run.senderRateBitsPerSecond / 8.0;
                    } else {
                        rate += Participant.<Participant>list("runId = ?1 and state = ?2", run.id,
                                        ParticipantState.TRANSFERRING).stream()
                                .filter(q -> q.rateBytesPerSecond != null)
                                .mapToDouble(q -> q.rateBytesPerSecond).average().orElse(0);
                    }
                }
                runs = r;
                participants = p;
                streamRate = rate;
            });
        } catch (RuntimeException e) {
            // the database is away: health says so; the gauges keep their last values
            LOG.debugf("metrics not refreshed: %s", e.getMessage());
        }
    }
}
