package dev.imgcast.sender.config;

import dev.imgcast.sender.service.ImageStoreCache;
import dev.imgcast.sender.service.Network;
import dev.imgcast.sender.service.SenderSettings;
import dev.imgcast.sender.service.SenderMetrics;
import dev.imgcast.sender.service.SessionHandler;
import dev.imgcast.sender.service.TransferReports;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The session handler as this replica runs it: the configured interface, rate and timeouts,
 * images from image-store through the local cache, reports as transfer events, its own Vert.x
 * for the data plane (two event loops, native transport).
 */
@Singleton
public class SenderWiring {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
            .setPreferNativeTransport(true));

    @Inject
    MulticastSenderConfig sender;
    @Inject
    ImageStoreConfig store;

    @Produces
    @Singleton
    SessionHandler sessionHandler(TransferReports reports, SenderMetrics metrics) {
        return new SessionHandler(new ImageStoreCache(store.url(), store.user(), store.password(), sender.cacheDir()),
                reports, metrics, vertx, Network.onInterface(sender.networkInterface()),
                new SenderSettings(sender.payload(), sender.rate(), sender.joinWait(), sender.startTimeout(),
                        Duration.ofSeconds(2)));
    }

    void stop(@Disposes SessionHandler handler) {
        handler.cancelAll("the multicast-sender is stopping");
    }

    @PreDestroy
    void close() {
        vertx.close();
    }
}
