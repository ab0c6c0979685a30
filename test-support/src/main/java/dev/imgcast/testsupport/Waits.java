package dev.imgcast.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits of the tests, with Awaitility: a condition polled every 100 ms (after a first look at
 * once, in the test's own thread) until it holds, for at most a bound; a test never waits forever
 * nor sleeps a fixed time to let something happen.
 */
public final class Waits {
    private Waits() {
    }

    /** Polls every 100 ms for at most {@code bound}. */
    public static ConditionFactory upTo(Duration bound) {
        return Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .atMost(bound);
    }

    public static ConditionFactory upToSeconds(long seconds) {
        return upTo(Duration.ofSeconds(seconds));
    }

    /**
     * Polls {@code value} until {@code done} accepts it, for at most {@code seconds}, and returns
     * that value; when time runs out, fails with {@code failure} of the last value seen (null if
     * none), so the message says what was there instead.
     */
    public static <T> T until(long seconds, Callable<T> value, Predicate<? super T> done, Failure<? super T> failure)
            throws Exception {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            // the boolean form: Awaitility's (value, predicate) form never accepts a null value
            upToSeconds(seconds).until(() -> {
                T v = value.call();
                last.set(v);
                return done.test(v);
            });
            return last.get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(failure.message(last.get()), e);
        }
    }

    /** The message of a wait that ran out of time, from the last value it saw. */
    @FunctionalInterface
    public interface Failure<T> {
        String message(T last) throws Exception;
    }
}
