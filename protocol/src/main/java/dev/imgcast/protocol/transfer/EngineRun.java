package dev.imgcast.protocol.transfer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One engine run on one Vert.x context, waited for on the caller's thread. The engine is only
 * touched on the context (the runner, the periodic look, an abort); the caller gets the looks and
 * the end. So a progress callback may block (publish an event, call a server) without holding up
 * the engine.
 */
final class EngineRun {
    private final Vertx vertx;
    private final Context context;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicReference<TransferProgress> latest = new AtomicReference<>();

    EngineRun(Vertx vertx) {
        Context current = Vertx.currentContext();
        if (current != null && current.owner() == vertx) {
            throw new IllegalStateException("a transfer waits for its end: run it on a thread of its own, "
                    + "not on a thread of the Vert.x it runs on");
        }
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
    }

    /** Starts the engine's runner on the context, and a look at the engine every period. */
    void start(Supplier<Future<Void>> runner, Supplier<TransferProgress> look, Duration period) {
        context.runOnContext(v -> {
            Future<Void> running;
            try {
                running = runner.get();
            } catch (RuntimeException e) {
                finished.completeExceptionally(e);
                return;
            }
            long timer = vertx.setPeriodic(Math.max(1, period.toMillis()), id -> latest.set(look.get()));
            running.onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) {
                    finished.complete(null);
                } else {
                    finished.completeExceptionally(ar.cause());
                }
            });
        });
    }

    /**
     * Waits for the end, handing each new look to {@code progress} on this thread. An interrupt
     * runs {@code onInterrupt} once (an abort: the engine ends soon) and keeps waiting for that end.
     *
     * @return why the run failed, or null when the engine ran to its end
     */
    Throwable await(Duration period, Consumer<TransferProgress> progress, Runnable onInterrupt) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    finished.get(Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
                    return null;
                } catch (TimeoutException e) {
                    TransferProgress look = latest.getAndSet(null);
                    if (look != null) {
                        progress.accept(look);
                    }
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        onInterrupt.run();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void onContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    boolean isDone() {
        return finished.isDone();
    }

    boolean awaitDone(Duration patience) {
        try {
            finished.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
