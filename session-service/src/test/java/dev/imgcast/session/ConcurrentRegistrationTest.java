package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.TransferResult;
import dev.imgcast.session.outbox.OutboxEvent;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.service.TransferEventService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many devices at the same moment: the database serialises them (row lock on the run,
 * constraints for names, groups, masters and devices), so there is exactly one run, one start,
 * and every registration is there once.
 */
@QuarkusTest
class ConcurrentRegistrationTest {
    @jakarta.inject.Inject
    TransferEventService transfers;

    @Test
    void fiftyDevicesAtOnceForClientsFifty() throws Exception {
        String name = Api.name("fifty");
        // the master and the fifty arrive together, on a name nobody opened yet
        List<Callable<Response>> calls = new ArrayList<>();
        calls.add(() -> Api.registerRaw(name, Api.body("master-0", "master", 50, null)));
        for (int i = 1; i <= 50; i++) {
            String id = "dev-" + i;
            calls.add(() -> Api.registerRaw(name, Api.body(id, null, null, null)));
        }
        List<Response> responses = runTogether(calls);

        Set<Long> participantIds = new HashSet<>();
        Set<Long> runIds = new HashSet<>();
        for (Response r : responses) {
            assertEquals(200, r.statusCode(), r.asString());
            JsonPath j = r.jsonPath();
            participantIds.add(j.getLong("participantId"));
            runIds.add(j.getLong("runId"));
            assertEquals("REGISTERED", j.getString("state"), "nobody is queued: the start comes with the 51st");
        }
        assertEquals(51, participantIds.size(), "every registration has its own participant");
        assertEquals(1, runIds.size(), "one run for the name");
        long runId = runIds.iterator().next();

        JsonPath s = Api.session(name);
        assertEquals("STARTED", s.getString("state"));
        assertEquals(50, s.getInt("registered"));
        assertEquals("clients=50 reached (50 registered)", s.getString("startReason"));
        List<Map<String, Object>> participants = s.getList("participants");
        assertEquals(51, participants.size());
        assertEquals(51, participants.stream().map(p -> p.get("deviceId")).distinct().count(), "no duplicates");

        QuarkusTransaction.requiringNew().run(() -> {
            assertEquals(1, SessionRun.count("name", name), "one run, whatever the races on opening");
            assertEquals(51, Participant.count("runId", runId));
            long starts = OutboxEvent.<OutboxEvent>list("routingKey", "session.started").stream()
                    .filter(e -> e.payload.contains("\"runId\":" + runId + ",")).count();
            assertEquals(1, starts, "exactly one session.started");
            long registered = OutboxEvent.<OutboxEvent>list("routingKey", "session.participant-registered").stream()
                    .filter(e -> e.payload.contains("\"runId\":" + runId + ",")).count();
            assertEquals(51, registered);
        });
    }

    @Test
    void theSameDeviceTwiceAtOnceIsOneParticipant() throws Exception {
        String name = Api.name("twice");
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(() -> Api.registerRaw(name, Api.body("same-device", null, null, null)));
        }
        List<Response> responses = runTogether(calls);
        Set<Long> ids = new HashSet<>();
        for (Response r : responses) {
            assertEquals(200, r.statusCode(), r.asString());
            ids.add(r.jsonPath().getLong("participantId"));
        }
        assertEquals(1, ids.size());
        assertEquals(1, Api.session(name).getList("participants").size());
    }

    @Test
    void twoMastersAtOnceOneWins() throws Exception {
        String name = Api.name("race-m");
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "m" + i;
            calls.add(() -> Api.registerRaw(name, Api.body(id, "master", 3, null)));
        }
        List<Response> responses = runTogether(calls);
        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        long refused = responses.stream().filter(r -> r.statusCode() == 409).count();
        assertEquals(1, ok);
        assertEquals(7, refused);
        assertTrue(responses.stream().filter(r -> r.statusCode() == 409)
                .allMatch(r -> r.jsonPath().getString("message").contains("already has a master")));
        assertEquals(1, Api.session(name).getList("participants").size(), "the refused ones left nothing behind");
    }

    /**
     * A device's own result and the sender's result for it arrive at once; whichever commits
     * first ends the run. The other is the same result again and is accepted: the device's
     * report must read the participant after taking the run's lock, not before.
     */
    @Test
    void aDevicesResultRacingTheSendersForItIsAcceptedEitherWay() throws Exception {
        String sha = "ef".repeat(32);
        for (int i = 0; i < 25; i++) {
            String name = Api.name("race");
            long runId = Api.admin().body(Map.of("name", name, "imageId", "img", "clients", 1, "confirm", true))
                    .post("/api/sessions").then().statusCode(201).extract().jsonPath().getLong("runId");
            Api.Device c = Api.register(name, "c1");
            TransferResult fromSender = new TransferResult(Envelope.now(), runId, "c1", TransferResult.Outcome.VERIFIED,
                    sha, null);
            List<Callable<Integer>> both = List.of(
                    () -> {
                        transfers.transferEvent(fromSender);
                        return 200;
                    },
                    () -> Api.as(c).body(Map.of("state", "VERIFIED", "sha256", sha, "bytesDone", 1024,
                            "bytesTotal", 1024)).post("/api/participants/{id}/progress", c.id()).statusCode());
            assertEquals(List.of(200, 200), runTogether(both), "round " + i);
            assertEquals("FINISHED", Api.session(name).getString("state"));
        }
    }

    private static <T> List<T> runTogether(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch ready = new CountDownLatch(calls.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return c.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
