package dev.imgcast.sender.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.Event;
import dev.imgcast.events.ParticipantInfo;
import dev.imgcast.events.SessionInfo;
import dev.imgcast.events.SessionOpened;
import dev.imgcast.events.SessionRunFinished;
import dev.imgcast.events.SessionStarted;
import dev.imgcast.events.TransferEvent;
import dev.imgcast.events.TransferFinished;
import dev.imgcast.events.TransferProgress;
import dev.imgcast.events.TransferResult;
import dev.imgcast.events.TransferStarted;
import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.net.EngineRunner;
import dev.imgcast.protocol.net.NetworkChoice;
import dev.imgcast.protocol.wire.TransferKeys;
import dev.imgcast.sender.service.SessionHandler.Handling;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session-handling core with real collaborators: images fetched over HTTP from a small
 * image-store stand-in on loopback into the real temp-file cache, the real sender engine sending
 * over loopback (unicast to 127.0.0.1, nothing leaves the host) to a real receiver engine, real
 * metrics. What the handler reports is recorded and checked.
 */
class SessionHandlerTest {
    private static final AtomicLong RUN_IDS = new AtomicLong(1000);
    private static Vertx vertx;

    @TempDir
    Path cacheDir;
    private StoreStandIn store;
    private final Recorded reports = new Recorded();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final int port = 20000 + new Random().nextInt(20000);

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startStore() throws IOException {
        store = new StoreStandIn();
    }

    @AfterEach
    void stopStore() {
        store.close();
    }

    @Test
    void sendsTheImageToTheRegisteredDeviceAndReportsItVerified() throws Exception {
        byte[] image = store.store("win11", 3);
        SessionStarted run = run("win11", device("d1", "pc-1"));
        CompletableFuture<ReceiverEngine> receiver = receive(run, image.length, "pc-1");

        assertEquals(Handling.SENT, handler(settings(Duration.ofSeconds(10))).handle(run, false));

        assertTrue(receiver.get(10, TimeUnit.SECONDS).verified());
        assertEquals(List.of("started " + id(run) + " 127.0.0.1", "result " + id(run) + " d1 VERIFIED",
                "finished " + id(run) + " FINISHED 1 of 1 verified"), reports.withoutProgress());
        assertEquals(1, meters.counter("imgcast.sender.receivers", "outcome", "VERIFIED").count());
        assertEquals(1, meters.counter("imgcast.sender.transfers", "outcome", "FINISHED").count());
        try (var cached = Files.list(cacheDir)) {
            List<Path> files = cached.toList();
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.get(0).getFileName().toString().startsWith(StoreStandIn.manifest(image).sha256Hex() + "-"), files.toString());
            // the packed form as the store keeps it: compressed blocks, smaller than the image
            assertArrayEquals(StoreStandIn.packed(image), Files.readAllBytes(files.get(0)));
            assertTrue(Files.size(files.get(0)) < image.length * 3 / 4, Files.size(files.get(0)) + " bytes");
        }
    }

    @Test
    void aSecondRunOfTheSameImageIsSentFromTheCache() throws Exception {
        byte[] image = store.store("cached", 2);
        SessionHandler handler = handler(settings(Duration.ofSeconds(10)));
        for (int i = 0; i < 2; i++) {
            SessionStarted run = run("cached", device("d1", "pc-1"));
            CompletableFuture<ReceiverEngine> receiver = receive(run, image.length, "pc-1");
            assertEquals(Handling.SENT, handler.handle(run, false));
            assertTrue(receiver.get(10, TimeUnit.SECONDS).verified());
        }
        assertEquals(2, store.manifestRequests.get());
        assertEquals(1, store.blockRequests.get(), "the image is downloaded once");
    }

    @Test
    void aReceiverThatIsNoParticipantIsNotReportedAsADevice() throws Exception {
        byte[] image = store.store("stranger", 2);
        SessionStarted run = run("stranger", participant("d1", "pc-1", "10.9.9.9", ParticipantInfo.Role.CLIENT));
        CompletableFuture<ReceiverEngine> receiver = receive(run, image.length, "somebody-else");

        assertEquals(Handling.SENT, handler(settings(Duration.ofSeconds(10))).handle(run, false));

        assertTrue(receiver.get(10, TimeUnit.SECONDS).verified());
        assertEquals(List.of("started " + id(run) + " 127.0.0.1", "finished " + id(run) + " FINISHED 0 of 1 verified"),
                reports.withoutProgress());
        assertEquals(1, meters.counter("imgcast.sender.receivers", "outcome", "VERIFIED").count());
    }

    @Test
    void eventsThatAreNotAnImageRunsStartIgnored() throws Exception {
        store.store("img", 1);
        SessionHandler handler = handler(settings(Duration.ofSeconds(1)));
        SessionStarted run = run("img", device("d1", "pc-1"));
        List<Event> others = List.of(new SessionOpened(Envelope.now(), run.session()),
                new SessionRunFinished(Envelope.now(), run.session(), 0, run.participants(), 0),
                new TransferStarted(Envelope.now(), id(run), "10.0.0.1"),
                run(SessionInfo.SourceKind.DEVICE, null, device("d1", "pc-1")),
                run(SessionInfo.SourceKind.NONE, null, device("d1", "pc-1")));

        for (Event other : others) {
            assertEquals(Handling.IGNORED, handler.handle(other, false), other.toString());
            assertEquals(Handling.IGNORED, handler.handle(other, true), other.toString());
        }
        assertEquals(List.of(), reports.all());
        assertEquals(0, store.manifestRequests.get(), "image-store is not asked");
    }

    @Test
    void aRunDeliveredAgainAfterItsSenderStoppedIsReportedFailedNotSent() throws Exception {
        store.store("img", 1);
        SessionStarted run = run("img", device("d1", "pc-1"));

        assertEquals(Handling.REPORTED_STOPPED, handler(settings(Duration.ofSeconds(1)))
                .handle(run, true));

        assertEquals(List.of("finished " + id(run) + " FAILED " + SessionHandler.STOPPED_REASON), reports.all());
        assertEquals(0, store.manifestRequests.get());
    }

    @Test
    void aRunThisReplicaTookAlreadyIsNotTakenAgain() throws Exception {
        byte[] image = store.store("twice", 1);
        SessionHandler handler = handler(settings(Duration.ofSeconds(10)));
        SessionStarted run = run("twice", device("d1", "pc-1"));
        CompletableFuture<ReceiverEngine> receiver = receive(run, image.length, "pc-1");
        assertEquals(Handling.SENT, handler.handle(run, false));
        assertTrue(receiver.get(10, TimeUnit.SECONDS).verified());
        int reported = reports.all().size();

        assertEquals(Handling.DUPLICATE, handler.handle(run, false));
        // the broker's redelivery of a run this replica has is a duplicate too, not a dead sender
        assertEquals(Handling.DUPLICATE, handler.handle(run, true));
        assertEquals(reported, reports.all().size());
    }

    @Test
    void anImageTheStoreDoesNotHaveFailsTheRun() throws Exception {
        SessionStarted run = run("missing", device("d1", "pc-1"));

        assertEquals(Handling.FAILED, handler(settings(Duration.ofSeconds(1))).handle(run, false));

        assertEquals(List.of("finished " + id(run) + " FAILED image-store answered 404 for /api/images/missing/manifest"),
                reports.all());
    }

    @Test
    void anImageWhoseBlocksDoNotMatchItsManifestFailsTheRunAndIsNotCached() throws Exception {
        byte[] image = store.store("broken", 3);
        byte[] damaged = StoreStandIn.packed(image);
        damaged[damaged.length / 2] ^= 1;
        store.corrupted.put("broken", damaged);
        byte[] shorter = store.store("short", 2);
        store.corrupted.put("short", java.util.Arrays.copyOf(StoreStandIn.packed(shorter), StoreStandIn.packed(shorter).length - 1));
        Manifest manifest = StoreStandIn.manifest(image);
        int damagedBlock = -1;
        for (int b = 0, at = 0; b < manifest.blockCount(); at += manifest.storedLength(b), b++) {
            if (damagedBlock < 0 && at + manifest.storedLength(b) > damaged.length / 2) {
                damagedBlock = b;
            }
        }

        SessionStarted run = run("broken", device("d1", "pc-1"));
        assertEquals(Handling.FAILED, handler(settings(Duration.ofSeconds(1))).handle(run, false));
        SessionStarted cut = run("short", device("d1", "pc-1"));
        assertEquals(Handling.FAILED, handler(settings(Duration.ofSeconds(1))).handle(cut, false));

        List<String> all = reports.all();
        assertEquals(2, all.size(), all.toString());
        assertEquals("finished " + id(run) + " FAILED image broken from image-store: block " + damagedBlock
                + " of the stored image is damaged (its CRC32C does not match the manifest)", all.get(0));
        assertTrue(all.get(1).startsWith("finished " + id(cut) + " FAILED image short from image-store: the stored image"
                + " ended early"), all.get(1));
        try (var files = Files.list(cacheDir)) {
            assertEquals(List.of(), files.toList(), "nothing is left in the cache");
        }
    }

    @Test
    void aNetworkThatCannotBeSentOnFailsTheRun() throws Exception {
        store.store("img", 1);
        SessionStarted run = run("img", device("d1", "pc-1"));
        SessionHandler handler = new SessionHandler(cache(), reports, new SenderMetrics(meters), vertx,
                Network.onInterface("imgcast-none0"), settings(Duration.ofSeconds(1)));

        assertEquals(Handling.FAILED, handler.handle(run, false));

        List<String> all = reports.all();
        assertEquals(1, all.size(), all.toString());
        assertTrue(all.get(0).startsWith("finished " + id(run) + " FAILED no network interface 'imgcast-none0'"),
                all.get(0));
    }

    @Test
    void noReceiverWithinTheStartTimeoutFailsTheRun() throws Exception {
        store.store("alone", 1);
        SessionStarted run = run("alone", device("d1", "pc-1"));

        assertEquals(Handling.FAILED, handler(settings(Duration.ofMillis(500))).handle(run, false));

        List<String> all = reports.withoutProgress();
        assertEquals(2, all.size(), all.toString());
        assertEquals("started " + id(run) + " 127.0.0.1", all.get(0));
        assertTrue(all.get(1).startsWith("finished " + id(run) + " FAILED "), all.get(1));
        assertEquals(1, meters.counter("imgcast.sender.transfers", "outcome", "FAILED").count());
    }

    @Test
    void cancellingAbortsTheRunsInProgressAndRefusesNewOnes() throws Exception {
        store.store("waiting", 1);
        SessionHandler handler = handler(settings(Duration.ofSeconds(60)));
        SessionStarted run = run("waiting", device("d1", "pc-1"));
        CompletableFuture<Handling> handled = CompletableFuture.supplyAsync(() -> handler.handle(run, false));
        for (int i = 0; i < 200 && handler.running() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, handler.running(), "the run waits for its receiver");

        handler.cancelAll("the multicast-sender is stopping");

        assertEquals(Handling.FAILED, handled.get(10, TimeUnit.SECONDS));
        assertEquals(0, handler.running());
        assertEquals(List.of("started " + id(run) + " 127.0.0.1",
                "finished " + id(run) + " FAILED aborted: the multicast-sender is stopping"), reports.withoutProgress());
        SessionStarted next = run("waiting", device("d2", "pc-2"));
        assertEquals(Handling.FAILED, handler.handle(next, false));
        assertEquals("finished " + id(next) + " FAILED not sent: the multicast-sender is stopping",
                reports.all().get(reports.all().size() - 1));
    }

    @Test
    void aRunCancelledInTheRegistryIsAbortedHere() throws Exception {
        store.store("cancelled", 1);
        SessionHandler handler = handler(settings(Duration.ofSeconds(60)));
        SessionStarted run = run("cancelled", device("d1", "pc-1"));
        CompletableFuture<Handling> handled = CompletableFuture.supplyAsync(() -> handler.handle(run, false));
        for (int i = 0; i < 200 && handler.running() == 0; i++) {
            Thread.sleep(10);
        }
        assertEquals(1, handler.running(), "the run waits for its receiver");
        SessionInfo s = run.session();
        SessionInfo ended = new SessionInfo(s.runId(), s.name(), s.runNo(), "CANCELLED", s.group(), s.port(),
                s.sourceKind(), s.imageId(), s.clients(), s.time(), s.senderAddress(), s.startReason(),
                "cancelled by admin admin", null);

        assertEquals(Handling.ABORTED, handler.handle(new SessionRunFinished(Envelope.now(), ended, 0, List.of(), 0), false));

        assertEquals(Handling.FAILED, handled.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("started " + id(run) + " 127.0.0.1", "finished " + id(run) + " FAILED aborted: run 1 of "
                + s.name() + " ended CANCELLED in session-service: cancelled by admin admin"), reports.withoutProgress());
        // the end of a run nobody here sends changes nothing
        assertEquals(Handling.IGNORED, handler.handle(new SessionRunFinished(Envelope.now(), ended, 0, List.of(), 0), false));
    }

    // ------------------------------------------------------------------ the setup

    private SessionHandler handler(SenderSettings settings) {
        NetworkChoice loopback = loopback();
        return new SessionHandler(cache(), reports, new SenderMetrics(meters), vertx, (group, p) -> loopback, settings);
    }

    private ImageStoreCache cache() {
        return new ImageStoreCache(store.url(), "sender", "secret", cacheDir);
    }

    private static SenderSettings settings(Duration startTimeout) {
        return new SenderSettings(1400, 2_000_000_000L, Duration.ofSeconds(1), startTimeout, Duration.ofMillis(100));
    }

    /** Unicast to 127.0.0.1: nothing leaves the host. */
    private NetworkChoice loopback() {
        InetAddress local = InetAddress.getLoopbackAddress();
        return new NetworkChoice("lo", local, local, port, 1);
    }

    private static ParticipantInfo device(String deviceId, String hostname) {
        return participant(deviceId, hostname, "10.0.0." + (deviceId.hashCode() & 0x7f), ParticipantInfo.Role.CLIENT);
    }

    private static ParticipantInfo participant(String deviceId, String hostname, String address, ParticipantInfo.Role role) {
        return new ParticipantInfo(deviceId.hashCode(), deviceId, hostname, null, address, role, "REGISTERED", null, null);
    }

    /** session.started of a new run of an image, with these devices and a master console. */
    private static SessionStarted run(String imageId, ParticipantInfo... devices) {
        return run(SessionInfo.SourceKind.IMAGE, imageId, devices);
    }

    private static SessionStarted run(SessionInfo.SourceKind kind, String imageId, ParticipantInfo... devices) {
        List<ParticipantInfo> participants = new ArrayList<>(List.of(devices));
        participants.add(participant("admin-console", "console", "10.0.0.200", ParticipantInfo.Role.MASTER));
        long runId = RUN_IDS.incrementAndGet();
        SessionInfo session = new SessionInfo(runId, "lab-" + runId, 1, "STARTED", "239.255.1.1", 9100, kind, imageId,
                devices.length, null, null, "all devices registered", null,
                Base64.getEncoder().encodeToString(TransferKeys.random()));
        return new SessionStarted(Envelope.now(), session, participants);
    }

    private static long id(SessionStarted run) {
        return run.session().runId();
    }

    /** A device on loopback: the real receiver engine with the run's key. */
    private CompletableFuture<ReceiverEngine> receive(SessionStarted run, int size, String hostname) {
        ReceiverEngine engine = new ReceiverEngine(MemoryImage.empty(size),
                Base64.getDecoder().decode(run.session().key()), 7,
                hostname, 10_000_000_000L, 5_000_000_000L, PooledByteBufAllocator.DEFAULT, line -> { });
        return EngineRunner.runReceiver(vertx, engine, loopback()).map(v -> engine).toCompletionStage()
                .toCompletableFuture();
    }

    /** What the handler reported, one line per event. */
    static final class Recorded implements TransferReports {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void report(TransferEvent event) {
            if (event instanceof TransferStarted e) {
                lines.add("started " + e.runId() + " " + e.senderAddress());
            } else if (event instanceof TransferProgress e) {
                assertTrue(e.deviceId() == null && e.bytesDone() <= e.bytesTotal(), e.toString());
                lines.add("progress " + e.runId());
            } else if (event instanceof TransferResult e) {
                lines.add("result " + e.runId() + " " + e.deviceId() + " " + e.outcome());
            } else if (event instanceof TransferFinished e) {
                lines.add("finished " + e.runId() + " " + e.outcome() + " " + e.reason());
            }
        }

        synchronized List<String> all() {
            return List.copyOf(lines);
        }

        synchronized List<String> withoutProgress() {
            return lines.stream().filter(l -> !l.startsWith("progress ")).toList();
        }
    }
}
