package dev.imgcast.agent;

import io.vertx.core.VertxOptions;

/** How img sets up Vert.x: one event loop (the engines are single-threaded), quiet checks. */
final class Runtimes {
    private Runtimes() {
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
