package dev.imgcast.session;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The real clock behind {@code time=}: a quarter-second look at runs whose deadline passed. */
@ApplicationScoped
public class TimeRuleClock {
    @Inject
    SessionRegistry registry;

    @Scheduled(every = "${imgcast.time-rule.poll:0.25s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        registry.fireDueTimeRules();
    }
}
