package dev.imgcast.session.service;

import dev.imgcast.session.model.RunState;
import dev.imgcast.session.model.SessionRun;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.List;

/**
 * The clock behind {@code time=} and the result grace. A deadline set by the rules arms a timer
 * ({@link Deadlines}, on time to the millisecond); a scan every second
 * ({@code imgcast.time-rule.scan}) catches deadlines whose timer was lost (a restart, another
 * replica), so the clock survives a restart and works across replicas.
 */
@ApplicationScoped
public class TimeRuleService {
    @Inject
    RunLifecycle lifecycle;
    @Inject
    RunResults results;
    @Inject
    InstantSource clock;

    @Scheduled(every = "${imgcast.time-rule.scan:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scan() {
        fireDueTimeRules();
    }

    void onDeadline(@Observes DeadlineReached deadline) {
        fireDueTimeRules();
    }

    /**
     * Starts the runs whose {@code time=} has passed, and ends those whose result grace has
     * passed. Returns how many runs it started.
     */
    public int fireDueTimeRules() {
        List<Long> finishing = Transactions.reading(() -> SessionRun.dueToFinish(clock.instant()));
        for (long id : finishing) {
            Transactions.retrying(() -> {
                SessionRun run = SessionRun.lockById(id);
                if (run.state == RunState.STARTED && run.finishDeadline != null
                        && !run.finishDeadline.isAfter(clock.instant())) {
                    results.dropLateResults(run, clock.instant());
                }
                return null;
            });
        }
        List<Long> due = Transactions.reading(() -> SessionRun.dueForTimeRule(clock.instant()));
        int started = 0;
        for (long id : due) {
            Boolean s = Transactions.retrying(() -> {
                SessionRun run = SessionRun.lockById(id);
                if (run.state != RunState.OPEN) {
                    return false;
                }
                lifecycle.evaluate(run, clock.instant());
                lifecycle.changed(run);
                return run.state == RunState.STARTED;
            });
            started += s ? 1 : 0;
        }
        return started;
    }
}
