package dev.imgcast.session.service;

import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wakes the long polls of devices waiting on a run when it changes. Only a hint: waiters also
 * wake on a timer and re-read the database, so several service replicas stay correct.
 */
@ApplicationScoped
public class RunSignals {
    private final Map<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    @Inject
    Vertx vertx;

    /** Completes when the run changes, or after {@code timeoutMillis}. */
    public CompletableFuture<Void> next(long runId, long timeoutMillis) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>()).add(f);
        long timer = vertx.setTimer(Math.max(1, timeoutMillis), t -> f.complete(null));
        f.whenComplete((v, e) -> {
            vertx.cancelTimer(timer);
            List<CompletableFuture<Void>> list = waiting.get(runId);
            if (list != null) {
                list.remove(f);
            }
        });
        return f;
    }

    public void signal(long runId) {
        List<CompletableFuture<Void>> list = waiting.remove(runId);
        if (list != null) {
            list.forEach(f -> f.complete(null));
        }
    }
}
