package dev.imgcast.sender.service;

import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.engine.SenderConfig;
import dev.imgcast.protocol.engine.SenderEngine;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.sender.SessionEvent;
import dev.imgcast.sender.StartedRun;
import dev.imgcast.sender.StartedRun.Participant;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * What the multicast-sender does with a session event, without the broker: it sends the runs
 * whose source is a stored image and leaves every other event alone. Blocking: {@link #handle}
 * returns when the run is over and reported.
 * <ul>
 * <li>another event type, another version, a run with a master device: ignored;
 * <li>a run this replica already took (a duplicate delivery): ignored, never sent twice;
 * <li>a run delivered again by the broker that this replica does not know: the replica that had
 *     it stopped, its receivers lost their sender; it is reported FAILED, not sent into the middle
 *     of itself;
 * <li>an image that cannot be had, a network that cannot be sent on: the run is reported FAILED
 *     with the reason;
 * <li>{@link #cancelAll}: the runs in progress are aborted (receivers are told) and reported FAILED.
 * </ul>
 */
public class SessionHandler {
    private static final Logger LOG = Logger.getLogger(SessionHandler.class);
    static final String STOPPED_REASON = "the multicast-sender sending this run stopped before the end";
    private static final int REMEMBERED_RUNS = 4096;

    /** What became of an event. */
    public enum Handling {
        /** not for the multicast-sender: another type or version, a master device's run */
        IGNORED,
        /** a run this replica took already */
        DUPLICATE,
        /** a run redelivered after its sender stopped: reported FAILED */
        REPORTED_STOPPED,
        /** sent; the run reported FINISHED */
        SENT,
        /** the run failed before or while sending (no image, no network, no receivers, cancelled) */
        FAILED
    }

    private final ImageSource images;
    private final TransferReports reports;
    private final SenderMetrics metrics;
    private final Vertx vertx;
    private final Network network;
    private final SendSettings settings;
    private final Set<Long> taken = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_RUNS;
        }
    }));
    private final Map<Long, Sending> sending = new ConcurrentHashMap<>();
    private volatile String cancelled;

    public SessionHandler(ImageSource images, TransferReports reports, SenderMetrics metrics, Vertx vertx, Network network,
                          SendSettings settings) {
        this.images = images;
        this.reports = reports;
        this.metrics = metrics;
        this.vertx = vertx;
        this.network = network;
        this.settings = settings;
    }

    /** One run being sent: its engine is touched only on its context. */
    private record Sending(Context context, SenderEngine engine) {
    }

    public Handling handle(SessionEvent event) {
        StartedRun run = event.run();
        if (!SessionEvent.STARTED.equals(event.type()) || event.version() != 1 || run == null
                || !StartedRun.IMAGE.equals(run.sourceKind())) {
            LOG.debugf("session event %s (version %d) is not for the multicast-sender", event.type(), event.version());
            return Handling.IGNORED;  // not ours: a master device sends its own disk
        }
        if (!taken.add(run.runId())) {
            LOG.warnf("run %d of %s comes again to the replica that took it; ignored", run.runId(), run.name());
            return Handling.DUPLICATE;
        }
        if (event.redelivered()) {
            LOG.warnf("run %d comes again: the sender that had it stopped; reporting it failed", run.runId());
            reports.finished(run.runId(), false, STOPPED_REASON);
            return Handling.REPORTED_STOPPED;
        }
        try {
            return send(run) ? Handling.SENT : Handling.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reports.finished(run.runId(), false, "interrupted");
            return Handling.FAILED;
        } catch (Exception e) {
            LOG.errorf(e, "run %d failed", run.runId());
            reports.finished(run.runId(), false, e.getMessage() == null ? e.toString() : e.getMessage());
            return Handling.FAILED;
        }
    }

    /**
     * Aborts every run in progress (its receivers are told) and refuses new ones: each is
     * reported FAILED with {@code reason}.
     */
    public void cancelAll(String reason) {
        cancelled = reason;
        sending.values().forEach(s -> s.context().runOnContext(v -> s.engine().abort(System.nanoTime(), reason)));
    }

    /** The runs being sent now. */
    public int running() {
        return sending.size();
    }

    private boolean send(StartedRun run) throws Exception {
        List<Participant> clients = run.receivers();
        LOG.infof("run %d of %s: sending image %s to %d devices", run.runId(), run.name(), run.imageId(), clients.size());
        if (cancelled != null) {
            throw new IllegalStateException("not sent: " + cancelled);
        }
        ImageSource.LocalImage image = images.fetch(run.imageId());
        Manifest manifest = image.manifest();
        NetworkChoice choice = network.choose(InetAddress.getByName(run.group()), run.port());
        reports.started(run.runId(), choice.address().getHostAddress());
        SenderConfig config = new SenderConfig(settings.payload(), settings.rateBitsPerSecond(), clients.size(),
                settings.joinWait(), settings.startTimeout(), Duration.ofSeconds(5), 8);
        byte[] key = Base64.getDecoder().decode(run.key());
        try (FileChannel channel = FileChannel.open(image.file(), StandardOpenOption.READ)) {
            SenderEngine engine = new SenderEngine(manifest, (offset, into) -> ManifestScanner.readFully(channel, into,
                    offset), config, key, new SecureRandom().nextInt(), PooledByteBufAllocator.DEFAULT,
                    line -> LOG.infof("run %d: %s", run.runId(), line));
            List<ReceiverResult> results = run(run.runId(), engine, choice, manifest.bytesToSend());
            boolean ok = !results.isEmpty() && engine.startReason() != null && cancelled == null;
            int verified = 0;
            for (ReceiverResult r : results) {
                metrics.receiver(r.outcome());
                String deviceId = deviceOf(clients, r);
                if (deviceId == null) {
                    LOG.warnf("run %d: receiver %s %s is not a registered participant", run.runId(), r.host(), r.address());
                    continue;
                }
                reports.result(run.runId(), deviceId, r);
                verified += r.outcome() == ReceiverOutcome.VERIFIED ? 1 : 0;
            }
            reports.finished(run.runId(), ok, ok ? verified + " of " + results.size() + " verified" : engine.endReason());
            LOG.infof("run %d of %s: %s", run.runId(), run.name(), engine.endReason());
            return ok;
        }
    }

    /** Runs the engine on its own event-loop context, reporting progress until it is over. */
    private List<ReceiverResult> run(long runId, SenderEngine engine, NetworkChoice choice, long total)
            throws InterruptedException, ExecutionException {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Void> running = new CompletableFuture<>();
        sending.put(runId, new Sending(context, engine));
        context.runOnContext(v -> EngineRunner.runSender(vertx, engine, choice).onComplete(ar -> {
            if (ar.succeeded()) {
                running.complete(null);
            } else {
                running.completeExceptionally(ar.cause());
            }
        }));
        if (cancelled != null) {
            context.runOnContext(v -> engine.abort(System.nanoTime(), cancelled));
        }
        metrics.started(runId, engine);
        boolean ok = false;
        try {
            while (!running.isDone()) {
                try {
                    running.get(settings.progressEvery().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillSending) {
                    metrics.update(runId);
                    SenderEngine.State state = engine.state();
                    if (state == SenderEngine.State.SENDING || state == SenderEngine.State.COLLECTING) {
                        long sent = engine.round() <= 1 ? (long) (engine.firstPassShare() * total) : total;
                        reports.progress(runId, new SendProgress(sent, total, engine.round(), engine.payloadBytesSent(),
                                engine.dataPackets(), engine.repairPackets(), engine.currentRateBitsPerSecond()));
                    }
                }
            }
            running.get();
            List<ReceiverResult> results = engine.results();
            ok = !results.isEmpty() && engine.startReason() != null && cancelled == null;
            return results;
        } finally {
            sending.remove(runId);
            metrics.ended(runId, ok);
        }
    }

    /**
     * The participant a receiver is: by host name (what img session gives the receiver engine),
     * else by address (several devices may share one, e.g. on a single test host).
     */
    static String deviceOf(List<Participant> clients, ReceiverResult r) {
        for (Participant p : clients) {
            if (r.host() != null && !r.host().isEmpty() && r.host().equals(p.hostname())) {
                return p.deviceId();
            }
        }
        for (Participant p : clients) {
            if (r.address() != null && r.address().equals(p.address())) {
                return p.deviceId();
            }
        }
        return null;
    }
}
