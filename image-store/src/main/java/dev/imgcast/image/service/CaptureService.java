package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.CONFLICT;
import static dev.imgcast.image.ImageStoreException.Kind.INVALID;
import static dev.imgcast.image.ImageStoreException.Kind.REGISTRY_FAILED;

import dev.imgcast.image.CaptureStarted;
import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.config.CaptureConfig;
import dev.imgcast.image.config.RegistryConfig;
import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.transfer.NetworkSettings;
import dev.imgcast.protocol.transfer.ReceiveResult;
import dev.imgcast.protocol.transfer.ReceiveSettings;
import dev.imgcast.protocol.transfer.ReceiveTransfer;
import dev.imgcast.protocol.transfer.TransferDefaults;
import dev.imgcast.protocol.transfer.TransferStatus;
import dev.imgcast.registry.client.DeviceView;
import dev.imgcast.registry.client.Registration;
import dev.imgcast.registry.client.RegistryClient;
import dev.imgcast.registry.client.RegistryException;
import dev.imgcast.registry.client.Report;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Capture: the image store joins a live session as one more device, receives the stream the
 * master sends, and keeps it as a new image: the master's disk is imaged and laid down on the
 * devices in one operation. It registers with session-service like a device (the registry client,
 * with the enrollment token), waits for the start with long polls, receives with the transfer
 * API on its interface, and stores the image only when the transfer verified it and the manifest
 * built from the file agrees; then it reports VERIFIED (or FAILED/DROPPED with the reason) like
 * any device. Like a device it takes the stream only from the sender session-service names for
 * the run (the master's address).
 */
@ApplicationScoped
public class CaptureService {
    private static final Logger LOG = Logger.getLogger(CaptureService.class);
    private static final int POLL_SECONDS = 20;

    @Inject
    UploadService images;
    @Inject
    ImageVolume volume;
    @Inject
    CaptureConfig config;
    @Inject
    RegistryConfig registry;

    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capture");
        t.setDaemon(true);
        return t;
    });
    private Vertx vertx;

    @PreDestroy
    void close() {
        workers.shutdownNow();
        if (vertx != null) {
            vertx.close();
        }
    }

    /** Registers the capture in the session now (so refusals reach the admin), then follows it. */
    public CaptureStarted start(String id, String session) {
        ImageIds.check(id);
        try {
            GroupAddress.checkName(session);
        } catch (IllegalArgumentException e) {
            throw new ImageStoreException(INVALID, e.getMessage());
        }
        String iface = config.networkInterface().filter(s -> !s.isBlank())
                .orElseThrow(() -> new ImageStoreException(CONFLICT, "capture needs the imaging network's interface: "
                        + "set imgcast.capture.interface (IMGCAST_CAPTURE_INTERFACE)"));
        String token = registry.enrollmentToken().orElseThrow(() -> new ImageStoreException(CONFLICT,
                "capture needs the enrollment token of session-service (imgcast.enrollment-token)"));
        NetworkChoice network;
        try {
            network = NetworkChoice.of(iface, GroupAddress.derive(session), TransferDefaults.SESSION_PORT,
                    TransferDefaults.TTL);
        } catch (IllegalArgumentException e) {
            throw new ImageStoreException(CONFLICT, "capture interface: " + e.getMessage());
        }
        RegistryClient client = new RegistryClient(registry.url());
        images.beginCapture(id);
        Path part = volume.newIncoming(id);
        DeviceView view;
        try {
            view = client.register(session, Registration.client("image-store:" + id, "image-store",
                    network.address().getHostAddress()), token);
        } catch (RegistryException e) {
            images.abandonUpload(id, part);
            throw refused(e);
        } catch (RuntimeException e) {
            images.abandonUpload(id, part);
            throw e;
        }
        LOG.infof("capture of session %s into image %s registered (%s)", session, id, view.state());
        DeviceView first = view;
        workers.execute(() -> follow(id, session, iface, client, first, part));
        return new CaptureStarted(id, session, view.participantId(), view.state(), view.message());
    }

    /** The registry's refusal as the admin sees it: its 400 and 409 stay, anything else is the registry failing. */
    private ImageStoreException refused(RegistryException e) {
        ImageStoreException.Kind kind = switch (e.status()) {
            case 400 -> INVALID;
            case 409 -> CONFLICT;
            default -> REGISTRY_FAILED;
        };
        String message = e.status() == 0 ? "session-service at " + registry.url() + " unreachable: " + e.getMessage()
                : "session-service: " + (e.serverMessage() != null ? e.serverMessage() : e.getMessage());
        return new ImageStoreException(kind, message);
    }

    private void follow(String id, String session, String iface, RegistryClient client, DeviceView first, Path part) {
        ReceiveResult result = null;
        try {
            DeviceView view = client.awaitStart(first, POLL_SECONDS);  // a queued capture waits for its run
            InetAddress sender = sender(client, view);
            LOG.infof("capture %s: taking the stream from %s only, the sender session-service names", id,
                    sender.getHostAddress());
            ReceiveTransfer transfer = new ReceiveTransfer(NetworkSettings.fromSession(iface, view.group(), view.port(),
                    view.key()), ReceiveSettings.forSession("image-store").withSender(sender), part,
                    line -> LOG.infof("capture %s: %s", id, line));
            result = transfer.run(vertx(), Duration.ofSeconds(2), progress -> { });
            if (!result.verified()) {
                throw new IllegalStateException(result.reason());
            }
            ImageView stored = images.finishCapture(id, part, result.sha256());
            client.report(Report.verified(stored.sha256(), stored.size(), stored.size()));
            LOG.infof("capture of session %s stored as image %s, SHA-256 %s", session, id, stored.sha256());
        } catch (Exception e) {
            String reason = "capture into image " + id + " failed: " + (e.getMessage() == null ? e : e.getMessage());
            LOG.warn(reason);
            images.abandonUpload(id, part);
            // a verified stream that was not kept (its manifest disagreed) failed here, not in the transfer
            TransferStatus status = result == null || result.verified() ? TransferStatus.FAILED : result.status();
            try {
                client.report(Report.failed(status, reason));
            } catch (RuntimeException ignored) {
                LOG.warnf("could not report the failed capture to session-service: %s", ignored.getMessage());
            }
        }
    }

    /**
     * The run's sender as session-service names it (the master's registered address), waited for
     * like a device waits for it; the capture takes the stream from no one else, so a run whose
     * sender stays unnamed fails the capture.
     */
    private static InetAddress sender(RegistryClient client, DeviceView view) {
        InetAddress sender = client.awaitSender(view, TransferDefaults.SESSION_LISTEN_TIMEOUT).sender();
        if (sender == null) {
            throw new IllegalStateException("session-service named no sender for run " + view.runNo() + " within "
                    + TransferDefaults.SESSION_LISTEN_TIMEOUT.toSeconds() + " s; the stream is taken only from the"
                    + " sender it names");
        }
        return sender;
    }

    private synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                    .setPreferNativeTransport(true));
        }
        return vertx;
    }
}
