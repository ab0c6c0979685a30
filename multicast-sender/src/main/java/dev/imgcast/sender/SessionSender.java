package dev.imgcast.sender;

import dev.imgcast.protocol.event.EventPayload;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.engine.SenderConfig;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import io.netty.buffer.PooledByteBufAllocator;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes {@code session.started} events of sessions whose source is a stored image, and sends
 * the image with the sender engine. Replicas share one queue (competing consumers): each run is
 * sent by one of them. The event is acknowledged when the run is over; if the replica dies before
 * that, the broker gives the event to another replica, which does not start a second transfer
 * into the middle of the first (the receivers have lost their sender) but reports the run failed
 * with that reason.
 */
@ApplicationScoped
public class SessionSender {
    private static final Logger LOG = Logger.getLogger(SessionSender.class);

    @Inject
    ObjectMapper json;
    @Inject
    ImageSource images;
    @Inject
    TransferEvents events;
    @Inject
    SenderMetrics metrics;

    @ConfigProperty(name = "imgcast.sender.interface")
    String interfaceName;
    @ConfigProperty(name = "imgcast.sender.rate", defaultValue = "500000000")
    long rate;
    @ConfigProperty(name = "imgcast.sender.payload", defaultValue = "1400")
    int payload;
    @ConfigProperty(name = "imgcast.sender.join-wait", defaultValue = "10s")
    Duration joinWait;
    @ConfigProperty(name = "imgcast.sender.start-timeout", defaultValue = "60s")
    Duration startTimeout;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
            .setPreferNativeTransport(true));

    @PreDestroy
    void close() {
        vertx.close();
    }

    @Incoming("session-events")
    @Blocking(ordered = false)
    public CompletionStage<Void> onSessionStarted(Message<?> message) {
        JsonNode event;
        try {
            event = json.readTree(EventPayload.bytes(message.getPayload()));
        } catch (Exception e) {
            LOG.warnf("session event that is not JSON rejected: %s", e.getMessage());
            return message.nack(e);
        }
        JsonNode session = event.path("session");
        if (!"session.started".equals(event.path("type").asText()) || event.path("version").asInt() != 1
                || !"IMAGE".equals(session.path("sourceKind").asText())) {
            return message.ack();  // not ours: a master device sends its own disk
        }
        long runId = session.path("runId").asLong();
        boolean fromBroker = message.getMetadata(IncomingRabbitMQMetadata.class).isPresent();
        boolean redelivered = message.getMetadata(IncomingRabbitMQMetadata.class)
                .map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
        if (!fromBroker) {
            // in-process (embedded): nothing to redeliver, and the publisher must not wait for the run
            message.ack();
        }
        if (redelivered) {
            LOG.warnf("run %d comes again: the sender that had it stopped; reporting it failed", runId);
            events.finished(runId, false, "the multicast-sender sending this run stopped before the end");
            return message.ack();
        }
        try {
            send(runId, session, event.path("participants"));
        } catch (Exception e) {
            LOG.errorf(e, "run %d failed", runId);
            events.finished(runId, false, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return fromBroker ? message.ack() : java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    private void send(long runId, JsonNode session, JsonNode participants) throws Exception {
        String name = session.path("name").asText();
        String imageId = session.path("imageId").asText();
        List<JsonNode> clients = new ArrayList<>();
        participants.forEach(p -> {
            if (!"MASTER".equals(p.path("role").asText())) {
                clients.add(p);
            }
        });
        LOG.infof("run %d of %s: sending image %s to %d devices", runId, name, imageId, clients.size());
        ImageSource.Local image = images.fetch(imageId);
        Manifest manifest = image.manifest();
        NetworkChoice network = NetworkChoice.of(interfaceName,
                InetAddress.getByName(session.path("group").asText()), session.path("port").asInt(), 1);
        events.started(runId, network.address().getHostAddress());
        SenderConfig config = new SenderConfig(payload, rate, clients.size(), joinWait, startTimeout,
                Duration.ofSeconds(5), 8);
        byte[] key = Base64.getDecoder().decode(session.path("key").asText());
        try (FileChannel channel = FileChannel.open(image.file(), StandardOpenOption.READ)) {
            SenderEngine engine = new SenderEngine(manifest, (offset, into) -> ManifestScanner.readFully(channel, into,
                    offset), config, key, new SecureRandom().nextInt(), PooledByteBufAllocator.DEFAULT,
                    line -> LOG.infof("run %d: %s", runId, line));
            java.util.concurrent.CompletableFuture<Void> running = EngineRunner.runSender(vertx, engine, network)
                    .toCompletionStage().toCompletableFuture();
            metrics.started(runId, engine);
            boolean ok = false;
            List<ReceiverResult> results;
            try {
                long total = manifest.bytesToSend();
                while (!running.isDone()) {
                    try {
                        running.get(2, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException stillSending) {
                        metrics.update(runId);
                        if (engine.state() == SenderEngine.State.SENDING
                                || engine.state() == SenderEngine.State.COLLECTING) {
                            long sent = engine.round() <= 1 ? (long) (engine.firstPassShare() * total) : total;
                            events.progress(runId, sent, total, engine);
                        }
                    }
                }
                running.join();
                results = engine.results();
                ok = !results.isEmpty() && engine.startReason() != null;
            } finally {
                metrics.ended(runId, ok);
            }
            int verified = 0;
            for (ReceiverResult r : results) {
                metrics.receiver(r.outcome());
                String deviceId = deviceOf(clients, r);
                if (deviceId == null) {
                    LOG.warnf("run %d: receiver %s %s is not a registered participant", runId, r.host(), r.address());
                    continue;
                }
                events.result(runId, deviceId, r);
                verified += r.outcome() == dev.imgcast.protocol.engine.ReceiverOutcome.VERIFIED ? 1 : 0;
            }
            events.finished(runId, ok, ok ? verified + " of " + results.size() + " verified" : engine.endReason());
            LOG.infof("run %d of %s: %s", runId, name, engine.endReason());
        }
    }

    /**
     * The participant a receiver is: by host name (what img session gives the receiver engine),
     * else by address (several devices may share one, e.g. on a single test host).
     */
    private static String deviceOf(List<JsonNode> clients, ReceiverResult r) {
        for (JsonNode p : clients) {
            if (r.host() != null && !r.host().isEmpty() && r.host().equals(p.path("hostname").asText(null))) {
                return p.path("deviceId").asText();
            }
        }
        for (JsonNode p : clients) {
            if (r.address() != null && r.address().equals(p.path("address").asText(null))) {
                return p.path("deviceId").asText();
            }
        }
        return null;
    }

}
