package dev.imgcast.agent;

import dev.imgcast.protocol.net.LoopbackWarmup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** How img sets up Vert.x: one event loop (the engines are single-threaded), quiet checks. */
final class Runtimes {
    private Runtimes() {
    }

    /**
     * Compiles the receive path before the receiver starts listening: two small transfers over
     * the loopback interface through the real sockets and engines ({@link LoopbackWarmup}). A
     * cold JVM compiles that path during the first seconds of a transfer, and on a machine that
     * also runs the sender that costs the transfer datagrams (bench/README.md). IMG_WARMUP=0
     * skips it; a loopback that does not work only makes it return early.
     */
    static void warmUp(Vertx vertx, Progress progress) {
        if ("0".equals(System.getenv("IMG_WARMUP"))) {
            return;
        }
        long started = System.nanoTime();
        boolean ran = LoopbackWarmup.run(vertx, 8) && LoopbackWarmup.run(vertx, 8);
        if (System.getenv("IMG_DEBUG") != null) {
            progress.message("debug: loopback warm-up " + (ran ? "done" : "did not run") + " in "
                    + (System.nanoTime() - started) / 1_000_000L + " ms");
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
