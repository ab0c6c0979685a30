package dev.imgcast.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

class RedeliveryTest {
    @Test
    void theEventGoesBackToItsQueueAfterThePause() {
        AtomicReference<Throwable> reason = new AtomicReference<>();
        AtomicReference<Metadata> metadata = new AtomicReference<>();
        Message<String> message = Message.of("{}").withNackWithMetadata((e, m) -> {
            reason.set(e);
            metadata.set(m);
            return CompletableFuture.completedFuture(null);
        });
        IllegalStateException outage = new IllegalStateException("database away");
        long t0 = System.nanoTime();
        Redelivery.later(message, outage).toCompletableFuture().join();
        assertTrue(System.nanoTime() - t0 >= Redelivery.PAUSE.toNanos(), "no hot loop: it waited before giving it back");
        assertSame(outage, reason.get());
        assertTrue(metadata.get().get(RabbitMQRejectMetadata.class).orElseThrow().isRequeue(), "requeued, not dropped");
    }

    @Test
    void onlyDatabaseTroubleIsPassing() {
        SQLException closed = new SQLException("FATAL: terminating connection due to administrator command");
        assertTrue(Redelivery.databaseTrouble(new IllegalStateException("JDBC exception", new RuntimeException(closed))));
        assertTrue(Redelivery.databaseTrouble(closed));
        assertFalse(Redelivery.databaseTrouble(new NullPointerException("a bug comes back the same every time")));
        assertFalse(Redelivery.databaseTrouble(new IllegalArgumentException("refused", new IllegalStateException())));
    }
}
