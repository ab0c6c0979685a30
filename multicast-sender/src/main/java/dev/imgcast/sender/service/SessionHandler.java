package dev.imgcast.sender.service;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.Event;
import dev.imgcast.events.ParticipantInfo;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionRunFinished;
import dev.imgcast.events.SessionStarted;
import dev.imgcast.events.TransferFinished;
import dev.imgcast.events.TransferProgress;
import dev.imgcast.events.TransferResult;
import dev.imgcast.events.TransferStarted;
import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.PackedBlocks;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.SendResult;
import dev.imgcast.protocol.transfer.SendTransfer;
import dev.imgcast.protocol.transfer.TransferStatus;
import io.vertx.core.Vertx;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * What the multicast-sender does with a session event, without the broker: it sends the runs
 * whose source is a stored image and leaves every other event alone. Blocking: {@link #handle}
 * returns when the run is over and reported.
 * <ul>
 * <li>another event, a run with a master device: ignored;
 * <li>a run this replica already took (a duplicate delivery): ignored, never sent twice;
 * <li>a run delivered again by the broker that this replica does not know: the replica that had
 *     it stopped, its receivers lost their sender; it is reported FAILED, not sent into the middle
 *     of itself;
 * <li>an image that cannot be had, a network that cannot be sent on: the run is reported FAILED
 *     with the reason;
 * <li>{@link #cancelAll}: the runs in progress are aborted (receivers are told) and reported
 *     FAILED, and new ones are refused;
 * <li>{@code session.run-finished} of a run this replica is sending, cancelled or failed in the
 *     registry: its transfer is aborted (receivers are told), or never started if the image is
 *     still being fetched.
 * </ul>
 */
public class SessionHandler {
    private static final Logger LOG = Logger.getLogger(SessionHandler.class);
    static final String STOPPED_REASON = "the multicast-sender sending this run stopped before the end";
    private static final int REMEMBERED_RUNS = 4096;

    /** What became of an event. */
    public enum Handling {
        /** not for the multicast-sender: another event, a master device's run */
        IGNORED,
        /** a run this replica took already */
        DUPLICATE,
        /** a run redelivered after its sender stopped: reported FAILED */
        REPORTED_STOPPED,
        /** sent; the run reported FINISHED */
        SENT,
        /** the run failed before or while sending (no image, no network, no receivers, cancelled) */
        FAILED,
        /** the registry ended a run this replica was sending: its transfer is aborted */
        ABORTED
    }

    private final ImageSource images;
    private final TransferReports reports;
    private final SenderMetrics metrics;
    private final Vertx vertx;
    private final Network network;
    private final SenderSettings settings;
    private final Set<Long> taken = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_RUNS;
        }
    }));
    private final Map<Long, SendTransfer> sending = new ConcurrentHashMap<>();
    /** runs in {@link #send}, from the fetch of the image to the report; and why the registry ended one of them */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<Long, String> endedInRegistry = new ConcurrentHashMap<>();
    private volatile String cancelled;

    /**
     * @param vertx where the transfers run (not called from its threads: {@link #handle} waits)
     */
    public SessionHandler(ImageSource images, TransferReports reports, SenderMetrics metrics, Vertx vertx, Network network,
                          SenderSettings settings) {
        this.images = images;
        this.reports = reports;
        this.metrics = metrics;
        this.vertx = vertx;
        this.network = network;
        this.settings = settings;
    }

    /**
     * Handles one event.
     *
     * @param redelivered the broker delivers it again (the consumer that had it did not acknowledge it)
     */
    public Handling handle(Event event, boolean redelivered) {
        if (event instanceof SessionRunFinished finished) {
            return ended(finished.session());
        }
        if (!(event instanceof SessionStarted started) || started.session().sourceKind() != SessionInfo.SourceKind.IMAGE) {
            LOG.debugf("%s is not for the multicast-sender", event.type().wireName());
            return Handling.IGNORED;  // not ours: a master device sends its own disk
        }
        SessionInfo run = started.session();
        if (!taken.add(run.runId())) {
            LOG.warnf("run %d of %s comes again to the replica that took it; ignored", run.runId(), run.name());
            return Handling.DUPLICATE;
        }
        if (redelivered) {
            LOG.warnf("run %d comes again: the sender that had it stopped; reporting it failed", run.runId());
            finished(run.runId(), false, STOPPED_REASON);
            return Handling.REPORTED_STOPPED;
        }
        try {
            return send(run, receivers(started)) ? Handling.SENT : Handling.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished(run.runId(), false, "interrupted");
            return Handling.FAILED;
        } catch (Exception e) {
            LOG.errorf(e, "run %d failed", run.runId());
            finished(run.runId(), false, e.getMessage() == null ? e.toString() : e.getMessage());
            return Handling.FAILED;
        }
    }

    /** The registry ended a run: if this replica is sending it, it stops. */
    private Handling ended(SessionInfo run) {
        if ("FINISHED".equals(run.state()) || !inFlight.contains(run.runId())) {
            return Handling.IGNORED;
        }
        String reason = "run " + run.runNo() + " of " + run.name() + " ended " + run.state() + " in session-service"
                + (run.endReason() == null ? "" : ": " + run.endReason());
        endedInRegistry.put(run.runId(), reason);
        if (!inFlight.contains(run.runId())) {
            endedInRegistry.remove(run.runId());  // its send ended meanwhile
            return Handling.IGNORED;
        }
        SendTransfer transfer = sending.get(run.runId());
        LOG.infof("%s; %s", reason, transfer == null ? "not sending it" : "aborting its transfer");
        if (transfer != null) {
            transfer.abort(reason);
        }
        return Handling.ABORTED;
    }

    /**
     * Aborts every run in progress (its receivers are told) and refuses new ones: each is
     * reported FAILED with {@code reason}.
     */
    public void cancelAll(String reason) {
        cancelled = reason;
        sending.values().forEach(t -> t.abort(reason));
    }

    /** The runs being sent now. */
    public int running() {
        return sending.size();
    }

    private static List<ParticipantInfo> receivers(SessionStarted started) {
        return started.participants().stream().filter(p -> p.role() != ParticipantInfo.Role.MASTER).toList();
    }

    private boolean send(SessionInfo run, List<ParticipantInfo> clients) throws Exception {
        inFlight.add(run.runId());
        try {
            return sendInFlight(run, clients);
        } finally {
            inFlight.remove(run.runId());
            endedInRegistry.remove(run.runId());
        }
    }

    private boolean sendInFlight(SessionInfo run, List<ParticipantInfo> clients) throws Exception {
        LOG.infof("run %d of %s: sending image %s to %d devices", run.runId(), run.name(), run.imageId(), clients.size());
        if (cancelled != null) {
            throw new IllegalStateException("not sent: " + cancelled);
        }
        ImageSource.LocalImage image = images.fetch(run.imageId());
        String ended = endedInRegistry.get(run.runId());
        if (ended != null) {
            throw new IllegalStateException("not sent: " + ended);
        }
        Manifest manifest = image.manifest();
        NetworkChoice choice = network.choose(run.group(), run.port());
        byte[] key = Base64.getDecoder().decode(run.key());
        reports.report(new TransferStarted(Envelope.now(), run.runId(), choice.address().getHostAddress()));
        SendResult result;
        try (FileChannel channel = FileChannel.open(image.file(), StandardOpenOption.READ)) {
            // The blocks as image-store compressed them at upload: nothing is compressed again here.
            PackedBlocks blocks = new PackedBlocks((offset, into) -> ManifestScanner.readFully(channel, into, offset),
                    manifest);
            SendTransfer transfer = new SendTransfer(choice, key, settings.forRun(clients.size()), manifest, blocks,
                    line -> LOG.infof("run %d: %s", run.runId(), line));
            result = run(run.runId(), transfer);
        }
        boolean ok = result.ran() && cancelled == null && !endedInRegistry.containsKey(run.runId());
        int verified = 0;
        for (ReceiverResult r : result.receivers()) {
            metrics.receiver(r.outcome());
            String deviceId = deviceOf(clients, r);
            if (deviceId == null) {
                LOG.warnf("run %d: receiver %s %s is not a registered participant", run.runId(), r.host(), r.address());
                continue;
            }
            reports.report(result(run.runId(), deviceId, r));
            verified += r.outcome() == ReceiverOutcome.VERIFIED ? 1 : 0;
        }
        finished(run.runId(), ok, ok ? verified + " of " + result.receivers().size() + " verified" : result.reason());
        LOG.infof("run %d of %s: %s", run.runId(), run.name(), result.endReason());
        return ok;
    }

    /** Runs the transfer, reporting progress until it is over; a cancel aborts it. */
    private SendResult run(long runId, SendTransfer transfer) {
        sending.put(runId, transfer);
        metrics.started(runId, transfer.engine());
        boolean[] aborted = {false};
        SendResult result = null;
        try {
            result = transfer.run(vertx, settings.progressEvery(), look -> {
                metrics.update(runId);
                String stop = cancelled != null ? cancelled : endedInRegistry.get(runId);
                if (stop != null && !aborted[0]) {
                    aborted[0] = true;  // cancelled or ended before the run was there to abort
                    transfer.abort(stop);
                }
                if (look.phase() == dev.imgcast.protocol.transfer.TransferProgress.Phase.TRANSFERRING) {
                    reports.report(TransferProgress.ofSender(Envelope.now(), runId, look.bytesDone(), look.bytesTotal(),
                            look.round(), look.payloadBytesSent(), look.dataPackets(), look.repairPackets(),
                            look.rateBitsPerSecond()));
                }
            });
            return result;
        } finally {
            sending.remove(runId);
            metrics.ended(runId, result != null && result.ran() && cancelled == null && !endedInRegistry.containsKey(runId));
        }
    }

    private static TransferResult result(long runId, String deviceId, ReceiverResult r) {
        TransferResult.Outcome outcome = TransferResult.Outcome.valueOf(TransferStatus.of(r.outcome()).name());
        if (outcome == TransferResult.Outcome.VERIFIED) {
            return new TransferResult(Envelope.now(), runId, deviceId, outcome, r.sha256(), null);
        }
        String reason = r.message() == null || r.message().isBlank() ? r.outcome().name() : r.message();
        return new TransferResult(Envelope.now(), runId, deviceId, outcome, null, reason);
    }

    private void finished(long runId, boolean ok, String reason) {
        reports.report(new TransferFinished(Envelope.now(), runId,
                ok ? TransferFinished.Outcome.FINISHED : TransferFinished.Outcome.FAILED, reason));
    }

    /**
     * The participant a receiver is: by host name (what img session gives the receiver engine),
     * else by address (several devices may share one, e.g. on a single test host).
     */
    static String deviceOf(List<ParticipantInfo> clients, ReceiverResult r) {
        for (ParticipantInfo p : clients) {
            if (r.host() != null && !r.host().isEmpty() && r.host().equals(p.hostname())) {
                return p.deviceId();
            }
        }
        for (ParticipantInfo p : clients) {
            if (r.address() != null && r.address().equals(p.address())) {
                return p.deviceId();
            }
        }
        return null;
    }
}
