package dev.imgcast.session.service;

import dev.imgcast.session.domain.DeviceView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * Long polls of waiting devices: answer at once if the device's view changed since the version
 * it knows, else when its run changes or the wait ends. No thread is held while waiting; the
 * database is re-read at least every second, so a change made by another replica is seen too.
 */
@ApplicationScoped
public class Waiter {
    private static final long RECHECK_MILLIS = 1000;

    @Inject
    DeviceService devices;
    @Inject
    RunSignals signals;
    @Inject
    ManagedExecutor executor;

    public CompletableFuture<DeviceView> await(long participantId, String token, String since, long waitMillis) {
        CompletableFuture<DeviceView> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        attempt(participantId, token, since, deadline, result, executor);
        return result;
    }

    private void attempt(long id, String token, String since, long deadline, CompletableFuture<DeviceView> result,
                         ExecutorService pool) {
        pool.execute(() -> {
            try {
                DeviceView view = devices.device(id, token);
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (since == null || !since.equals(view.version()) || left <= 0) {
                    result.complete(view);
                    return;
                }
                signals.next(view.runId(), Math.min(left, RECHECK_MILLIS))
                        .thenRun(() -> attempt(id, token, since, deadline, result, pool));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }
}
