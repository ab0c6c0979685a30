package dev.imgcast.session;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's clock in the tests: the system clock plus an offset that tests {@link #advance}
 * instead of sleeping. Time only moves forward, so tests that do not advance it (and the real
 * timers, long polls and broker round trips) see an ordinary clock.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestClock implements InstantSource {
    private static final Clock SYSTEM = Clock.systemUTC();
    private final AtomicLong offsetNanos = new AtomicLong();

    @Override
    public Instant instant() {
        return SYSTEM.instant().plusNanos(offsetNanos.get());
    }

    /** Moves the service's time forward by {@code d}, at once. */
    public void advance(Duration d) {
        offsetNanos.addAndGet(d.toNanos());
    }
}
