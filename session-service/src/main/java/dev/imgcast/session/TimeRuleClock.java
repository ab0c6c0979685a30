package dev.imgcast.session;

import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * The real clock behind {@code time=}. A registration that sets a deadline arms a timer for it
 * (on time to the millisecond); a scan every second catches deadlines whose timer was lost (a
 * restart, another replica).
 */
@ApplicationScoped
public class TimeRuleClock {
    @Inject
    SessionRegistry registry;
    @Inject
    Vertx vertx;
    @Inject
    ManagedExecutor executor;

    @Scheduled(every = "${imgcast.time-rule.scan:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scan() {
        registry.fireDueTimeRules();
    }

    /** Look again at {@code deadline} (a few ms after, so the deadline has surely passed). */
    public void wakeAt(Instant deadline) {
        long delay = Math.max(1, Duration.between(Instant.now(), deadline).toMillis() + 5);
        vertx.setTimer(delay, t -> executor.execute(registry::fireDueTimeRules));
    }
}
