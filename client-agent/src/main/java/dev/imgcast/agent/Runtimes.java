package dev.imgcast.agent;

import dev.imgcast.protocol.engine.Warmup;
import io.vertx.core.VertxOptions;

/** How img sets up Vert.x: one event loop (the engines are single-threaded), quiet checks. */
final class Runtimes {
    private Runtimes() {
    }

    /**
     * Compiles the per-packet path before the network starts (see {@link Warmup}); IMG_WARMUP=0
     * skips it.
     */
    static void warmUp(Progress progress) {
        if ("0".equals(System.getenv("IMG_WARMUP"))) {
            return;
        }
        long started = System.nanoTime();
        long datagrams = Warmup.run(2);
        if (System.getenv("IMG_DEBUG") != null) {
            progress.message(String.format("debug: warm-up moved %d datagrams in %d ms", datagrams,
                    (System.nanoTime() - started) / 1_000_000L));
        }
    }

    static VertxOptions vertxOptions() {
        return new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(!"0".equals(System.getenv("IMG_NATIVE")))
                .setBlockedThreadCheckInterval(10_000);
    }
}
