package dev.imgcast.session.service;

import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * Timers for the deadlines the rules set: on time to the millisecond, it fires
 * {@link DeadlineReached}, which {@link TimeRuleService} observes. Only a hint: a lost timer (a
 * restart, another replica) is caught by the time rules' scan every second. Knows nothing of
 * the services, so the run lifecycle can arm timers without a cycle back to the time rules.
 */
@ApplicationScoped
public class Deadlines {
    @Inject
    Vertx vertx;
    @Inject
    ManagedExecutor executor;
    @Inject
    InstantSource clock;
    @Inject
    Event<DeadlineReached> reached;

    /** Look again at {@code deadline} (a few ms after, so the deadline has surely passed). */
    public void wakeAt(Instant deadline) {
        long delay = Math.max(1, Duration.between(clock.instant(), deadline).toMillis() + 5);
        vertx.setTimer(delay, t -> executor.execute(() -> reached.fire(new DeadlineReached(deadline))));
    }
}
