package dev.imgcast.image.service;

import static dev.imgcast.image.ImageStoreException.Kind.CONFLICT;
import static dev.imgcast.image.ImageStoreException.Kind.INTERRUPTED;
import static dev.imgcast.image.ImageStoreException.Kind.INVALID;
import static dev.imgcast.image.ImageStoreException.Kind.REGISTRY_FAILED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgcast.image.CaptureStarted;
import dev.imgcast.image.ImageIds;
import dev.imgcast.image.ImageStoreException;
import dev.imgcast.image.ImageView;
import dev.imgcast.image.config.CaptureConfig;
import dev.imgcast.image.config.RegistryConfig;
import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.image.FileImageTarget;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.protocol.net.NetworkChoice;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Capture: the image store joins a live session as one more device, receives the stream the
 * master sends, and keeps it as a new image: the master's disk is imaged and laid down on the
 * devices in one operation. It registers with session-service like a device (enrollment token),
 * waits for the start with long polls, receives with the receiver engine on its interface, and
 * stores the image only when the engine verified it and the manifest built from the file agrees;
 * then it reports VERIFIED (or FAILED with the reason) like any device.
 */
@ApplicationScoped
public class CaptureService {
    private static final Logger LOG = Logger.getLogger(CaptureService.class);

    @Inject
    UploadService images;
    @Inject
    ImageVolume volume;
    @Inject
    ObjectMapper json;
    @Inject
    CaptureConfig config;
    @Inject
    RegistryConfig registry;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
            network = NetworkChoice.of(iface, GroupAddress.derive(session), 9100, 1);
        } catch (IllegalArgumentException e) {
            throw new ImageStoreException(CONFLICT, "capture interface: " + e.getMessage());
        }
        images.beginCapture(id);
        Path part = volume.newIncoming(id);
        JsonNode view;
        try {
            ObjectNode body = json.createObjectNode().put("deviceId", "image-store:" + id).put("hostname", "image-store")
                    .put("address", network.address().getHostAddress()).put("role", "client");
            view = call(HttpRequest.newBuilder(URI.create(registryUrl() + "/api/sessions/" + session + "/registrations"))
                    .header("X-Imgcast-Enrollment-Token", token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        } catch (RuntimeException e) {
            images.abandonUpload(id, part);
            throw e;
        }
        long participantId = view.path("participantId").asLong();
        String participantToken = view.path("participantToken").asText();
        LOG.infof("capture of session %s into image %s registered (%s)", session, id, view.path("state").asText());
        workers.execute(() -> follow(id, session, iface, participantId, participantToken, view, part));
        return new CaptureStarted(id, session, participantId, view.path("state").asText(), view.path("message").asText());
    }

    private void follow(String id, String session, String iface, long pid, String token, JsonNode first, Path part) {
        ReceiverEngine engine = null;
        try {
            JsonNode view = first;
            while (!("STARTED".equals(view.path("runState").asText()) && !"QUEUED".equals(view.path("state").asText()))) {
                String runState = view.path("runState").asText();
                if (!"QUEUED".equals(view.path("state").asText()) && !"OPEN".equals(runState)) {
                    throw new IllegalStateException("the run ended " + runState + " before the capture took part");
                }
                view = call(participant(pid, token, "?since=" + view.path("version").asText() + "&wait=20").GET().build());
            }
            NetworkChoice network = NetworkChoice.of(iface, InetAddress.getByName(view.path("group").asText()),
                    view.path("port").asInt(), 1);
            byte[] key = Base64.getDecoder().decode(view.path("key").asText());
            int nodeId = 0;
            while (nodeId == 0) {
                nodeId = new SecureRandom().nextInt();
            }
            FileImageTarget target = new FileImageTarget(part);
            try {
                engine = new ReceiverEngine(target, key, nodeId, "image-store", 60_000_000_000L, 10_000_000_000L,
                        PooledByteBufAllocator.DEFAULT, line -> LOG.infof("capture %s: %s", id, line));
                EngineRunner.runReceiver(vertx(), engine, network).toCompletionStage().toCompletableFuture().join();
            } finally {
                target.close();
            }
            if (!engine.verified()) {
                throw new IllegalStateException(engine.message());
            }
            ImageView stored = images.finishCapture(id, part, engine.writtenSha256());
            report(pid, token, Map.of("state", "VERIFIED", "sha256", stored.sha256(), "bytesDone", stored.size(),
                    "bytesTotal", stored.size()));
            LOG.infof("capture of session %s stored as image %s, SHA-256 %s", session, id, stored.sha256());
        } catch (Exception e) {
            String reason = "capture into image " + id + " failed: " + (e.getMessage() == null ? e : e.getMessage());
            LOG.warn(reason);
            images.abandonUpload(id, part);
            try {
                report(pid, token, Map.of("state", engine != null
                        && engine.failure() == ReceiverEngine.Failure.DROPPED ? "DROPPED" : "FAILED", "reason", reason));
            } catch (RuntimeException ignored) {
                LOG.warnf("could not report the failed capture to session-service: %s", ignored.getMessage());
            }
        }
    }

    private synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                    .setPreferNativeTransport(true));
        }
        return vertx;
    }

    private void report(long pid, String token, Map<String, Object> body) {
        try {
            call(participant(pid, token, "/progress").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String registryUrl() {
        return registry.url();
    }

    private HttpRequest.Builder participant(long pid, String token, String rest) {
        return HttpRequest.newBuilder(URI.create(registryUrl() + "/api/participants/" + pid + rest))
                .timeout(Duration.ofSeconds(60)).header("X-Imgcast-Participant-Token", token);
    }

    private JsonNode call(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ImageStoreException(REGISTRY_FAILED, "session-service at " + registryUrl() + " unreachable: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageStoreException(INTERRUPTED, "interrupted");
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new ImageStoreException(REGISTRY_FAILED, "session-service answered " + response.statusCode()
                    + " without JSON");
        }
        if (response.statusCode() / 100 != 2) {
            ImageStoreException.Kind kind = switch (response.statusCode()) {
                case 400 -> INVALID;
                case 409 -> CONFLICT;
                default -> REGISTRY_FAILED;
            };
            throw new ImageStoreException(kind, "session-service: " + body.path("message").asText("HTTP "
                    + response.statusCode()));
        }
        return body;
    }
}
