package dev.imgcast.session.outbox;

import dev.imgcast.events.EncodedEvent;
import dev.imgcast.events.EventPublisher;
import dev.imgcast.events.Exchange;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Broadcast;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to RabbitMQ in order, one event at a time, and marks an event published
 * only when the broker confirmed it (the event contract's {@link EventPublisher}, with
 * {@code publish-confirms=true} on the channel). If the broker is away the events wait in the database and
 * go out when it is back (at least once: consumers deduplicate on {@code eventId}).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    @Channel("session-events")
    @Broadcast  // embedded: image-store and multicast-sender both listen in-process
    Emitter<String> emitter;
    @Inject
    InstantSource clock;
    private EventPublisher publisher;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastFailureLog;

    @PostConstruct
    void publisher() {
        publisher = new EventPublisher(emitter, Exchange.SESSION);
    }

    @Scheduled(every = "${imgcast.outbox.poll:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        kick();
    }

    /** Publish what is pending, soon, without blocking the caller. */
    public void kick() {
        again.set(true);
        if (running.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (again.getAndSet(false)) {
                while (true) {
                    List<OutboxEvent> batch = QuarkusTransaction.requiringNew().call(() -> OutboxEvent.pending(100));
                    if (batch.isEmpty()) {
                        break;
                    }
                    for (OutboxEvent event : batch) {
                        publish(event);
                        QuarkusTransaction.requiringNew().run(() -> OutboxEvent.update(
                                "publishedAt = ?1 where id = ?2", clock.instant(), event.id));
                    }
                }
            }
        } catch (Exception e) {
            long now = clock.millis();
            if (now - lastFailureLog > 30_000) {
                lastFailureLog = now;
                LOG.warnf("events wait in the outbox, publishing failed: %s", e.toString());
            }
        } finally {
            running.set(false);
        }
    }

    /** Returns once the broker confirmed the event; throws if it refused it or did not confirm it in time. */
    private void publish(OutboxEvent event) {
        publisher.publishAndWait(EncodedEvent.of(event.routingKey, event.eventId, event.payload));
    }
}
