package dev.imgcast.sender.service;

import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.transfer.TransferStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a multicast-sender replica exposes at {@code /q/metrics} (Prometheus names in brackets):
 * <ul>
 * <li>block bytes multicast (stored forms, compressed or raw), first pass and repairs
 *     [{@code imgcast_sender_payload_bytes_total}];
 * <li>DATA packets by kind, {@code first} or {@code repair} [{@code imgcast_sender_packets_total}];
 *     the repair ratio over any window is {@code rate(..{kind="repair"}) / rate(..{kind="first"})};
 * <li>the repair ratio of the transfers running now, or of the last one [{@code imgcast_sender_repair_ratio}];
 * <li>the pacing rate of the transfers running now [{@code imgcast_sender_rate_bits_per_second}];
 * <li>transfers running [{@code imgcast_sender_transfers_active}] and ended, by outcome
 *     [{@code imgcast_sender_transfers_total}];
 * <li>receiver results by outcome, {@code VERIFIED}, {@code FAILED} or {@code DROPPED}
 *     [{@code imgcast_sender_receivers_total}].
 * </ul>
 * Counters advance when the sender reports progress (every 2 s) and at the end of a transfer.
 */
@ApplicationScoped
public class SenderMetrics {
    private MeterRegistry registry;

    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private volatile double lastRepairRatio;
    private Counter payloadBytes;
    private Counter firstPackets;
    private Counter repairPackets;

    /** What was already counted of one running transfer. */
    private static final class Running {
        final SenderEngine engine;
        long payload;
        long first;
        long repair;

        Running(SenderEngine engine) {
            this.engine = engine;
        }
    }

    @Inject
    public SenderMetrics(MeterRegistry registry) {
        this.registry = registry;
        payloadBytes = Counter.builder("imgcast.sender.payload.bytes").baseUnit("bytes")
                .description("Image bytes multicast, first pass and repairs").register(registry);
        firstPackets = Counter.builder("imgcast.sender.packets").tag("kind", "first")
                .description("DATA packets multicast, by kind").register(registry);
        repairPackets = Counter.builder("imgcast.sender.packets").tag("kind", "repair")
                .description("DATA packets multicast, by kind").register(registry);
        Gauge.builder("imgcast.sender.transfers.active", running, Map::size)
                .description("Transfers this replica is sending now").register(registry);
        Gauge.builder("imgcast.sender.rate.bits.per.second", this, SenderMetrics::currentRate)
                .description("Pacing rate of the transfers running now").register(registry);
        Gauge.builder("imgcast.sender.repair.ratio", this, SenderMetrics::repairRatio)
                .description("Repair packets per first-pass packet: the transfers running now, else the last one")
                .register(registry);
    }

    public void started(long runId, SenderEngine engine) {
        running.put(runId, new Running(engine));
    }

    /** Adds what the engine sent since the last call. */
    public void update(long runId) {
        Running r = running.get(runId);
        if (r == null) {
            return;
        }
        synchronized (r) {
            long payload = r.engine.payloadBytesSent();
            long first = r.engine.dataPackets();
            long repair = r.engine.repairPackets();
            payloadBytes.increment(payload - r.payload);
            firstPackets.increment(first - r.first);
            repairPackets.increment(repair - r.repair);
            r.payload = payload;
            r.first = first;
            r.repair = repair;
        }
    }

    public void ended(long runId, boolean ok) {
        update(runId);
        Running r = running.remove(runId);
        if (r != null && r.engine.dataPackets() > 0) {
            lastRepairRatio = (double) r.engine.repairPackets() / r.engine.dataPackets();
        }
        registry.counter("imgcast.sender.transfers", "outcome", ok ? "FINISHED" : "FAILED").increment();
    }

    public void receiver(ReceiverOutcome outcome) {
        registry.counter("imgcast.sender.receivers", "outcome", TransferStatus.of(outcome).name()).increment();
    }

    private double currentRate() {
        return running.values().stream().mapToDouble(r -> r.engine.currentRateBitsPerSecond()).sum();
    }

    private double repairRatio() {
        long first = 0;
        long repair = 0;
        for (Running r : running.values()) {
            first += r.engine.dataPackets();
            repair += r.engine.repairPackets();
        }
        return first == 0 ? lastRepairRatio : (double) repair / first;
    }
}
