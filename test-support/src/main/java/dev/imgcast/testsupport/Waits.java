package dev.imgcast.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Waits of the tests, with Awaitility: a condition polled every 100 ms (after a first look at
 * once) until it holds, for at most a bound; a test never waits forever nor sleeps a fixed time
 * to let something happen.
 */
public final class Waits {
    private Waits() {
    }

    /** Polls every 100 ms for at most {@code bound}. */
    public static ConditionFactory upTo(Duration bound) {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).atMost(bound);
    }

    public static ConditionFactory upToSeconds(long seconds) {
        return upTo(Duration.ofSeconds(seconds));
    }
}
