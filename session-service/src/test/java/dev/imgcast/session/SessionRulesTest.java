package dev.imgcast.session;

import static dev.imgcast.session.Api.admin;
import static dev.imgcast.session.Api.as;
import static dev.imgcast.session.Api.register;
import static dev.imgcast.session.Api.report;
import static dev.imgcast.session.Api.session;
import static dev.imgcast.session.Api.state;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.net.GroupAddress;
import dev.imgcast.session.Api.Device;
import dev.imgcast.session.service.TimeRuleService;
import dev.imgcast.testsupport.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every session rule (who may join, when a run starts, who masters it), over the REST API, against the real PostgreSQL and
 * RabbitMQ of this machine.
 *
 * <p>Over 400 lines on purpose: it is the rule book as tests, one test per rule in the order an
 * admin meets them, sharing the device helpers at the bottom; split, the rules would be harder to
 * check against each other, and each extra class would start another Quarkus application.
 */
@QuarkusTest
class SessionRulesTest {
    private static final String SHA = "ab".repeat(32);

    @Inject
    TestClock clock;
    @Inject
    TimeRuleService timeRules;

    // ---------------------------------------------------------------- the four examples

    /** {@code img session mcast01}: no role, the device waits; m makes one the master, g starts. */
    @Test
    void noRoleWaitsThenMThenG() {
        Api.cancelIfLive("mcast01");
        Device a = register("mcast01", "ex1-a");
        JsonPath j = a.registration();
        assertEquals("REGISTERED", j.getString("state"));
        assertEquals("NONE", j.getString("role"));
        assertEquals("OPEN", j.getString("runState"));
        assertEquals("NONE", j.getString("sourceKind"));
        assertEquals(GroupAddress.derive("mcast01").getHostAddress(), j.getString("group"));
        assertTrue(j.getString("group").startsWith("231."));
        assertThat(j.getString("message"), "no source yet");

        Device b = register("mcast01", "ex1-b");
        assertEquals(j.getString("group"), b.registration().getString("group"));
        assertEquals(j.getLong("runId"), b.registration().getLong("runId"));
        assertEquals(2, b.registration().getInt("registered"));

        // g before anyone is master: only the master may start
        as(a).post("/api/participants/{id}/start", a.id()).then().statusCode(403)
                .body("message", containsString("only the master"));
        // key m on device a
        as(a).post("/api/participants/{id}/master", a.id()).then().statusCode(200)
                .body("role", equalTo("MASTER")).body("sourceKind", equalTo("DEVICE"));
        assertEquals("OPEN", state(b).getString("runState"));
        // key g on the master
        as(a).post("/api/participants/{id}/start", a.id()).then().statusCode(200)
                .body("runState", equalTo("STARTED"))
                .body("startReason", containsString("g pressed on the master (host-ex1-a)"));
        JsonPath s = session("mcast01");
        assertEquals("STARTED", s.getString("state"));
        assertEquals("CLIENT", participant(s, "ex1-b").get("role"));
        Api.cancelIfLive("mcast01");
    }

    /** {@code img session mcast01 m}: master without rules; g starts, not before. */
    @Test
    void masterWithoutRulesWaitsForG() {
        Api.cancelIfLive("mcast01");
        Device m = register("mcast01", "ex2-m", "m", null, null);
        assertEquals("MASTER", m.registration().getString("role"));
        assertThat(m.registration().getString("waitingFor"), "waiting for g on the master");
        as(m).post("/api/participants/{id}/start", m.id()).then().statusCode(409)
                .body("message", containsString("no device has registered"));
        for (int i = 0; i < 3; i++) {
            register("mcast01", "ex2-c" + i, "c", null, null);
        }
        assertEquals("OPEN", session("mcast01").getString("state"));
        as(m).post("/api/participants/{id}/start", m.id()).then().statusCode(200).body("runState", equalTo("STARTED"));
        Api.cancelIfLive("mcast01");
    }

    /** {@code img session mcast01 master clients=5}: starts exactly when the fifth registers. */
    @Test
    void clientsFiveStartsOnTheFifth() {
        Api.cancelIfLive("mcast01");
        Device m = register("mcast01", "ex3-m", "master", 5, null);
        for (int i = 1; i <= 4; i++) {
            Device c = register("mcast01", "ex3-c" + i);
            assertEquals("OPEN", c.registration().getString("runState"), "started after " + i);
        }
        assertThat(state(m).getString("waitingFor"), "waiting for 5 devices (4 registered)");
        Device fifth = register("mcast01", "ex3-c5");
        assertEquals("STARTED", fifth.registration().getString("runState"));
        assertNotNull(fifth.registration().getString("key"));
        JsonPath s = session("mcast01");
        assertEquals("clients=5 reached (5 registered)", s.getString("startReason"));
        assertEquals(5, s.getInt("registered"));
        Api.cancelIfLive("mcast01");
    }

    /**
     * {@code img session mcast01 master clients=5 time=T} with T = 6 s: two devices come, then
     * nobody; the run starts when T passed after the last registration, with 2 of 5. A
     * registration before T runs out restarts the clock. The service's clock is advanced, not
     * waited for.
     */
    @Test
    void clientsFiveTimeStartsWhenRegistrationsStop() {
        Api.cancelIfLive("mcast01");
        register("mcast01", "ex4-m", "master", 5, 0.1);  // 6 seconds
        register("mcast01", "ex4-c1");
        clock.advance(Duration.ofSeconds(3));
        register("mcast01", "ex4-c2");  // the clock restarts: deadline = now + 6 s
        JsonPath s = session("mcast01");
        assertEquals("OPEN", s.getString("state"));
        Instant deadline = Instant.parse(s.getString("startDeadline"));
        Instant lastRegistration = Instant.parse((String) participant(s, "ex4-c2").get("registeredAt"));
        assertEquals(lastRegistration.plusSeconds(6), deadline);
        clock.advance(Duration.ofSeconds(4));  // past the first deadline (6 s after c1), before the second
        timeRules.fireDueTimeRules();
        assertEquals("OPEN", session("mcast01").getString("state"), "the time rule must count from the last registration");
        clock.advance(Duration.ofMillis(2100));  // past the second
        timeRules.fireDueTimeRules();
        s = session("mcast01");
        assertEquals("STARTED", s.getString("state"));
        Instant startedAt = Instant.parse(s.getString("startedAt"));
        assertTrue(!startedAt.isBefore(deadline), "started at " + startedAt + ", before the deadline " + deadline);
        assertEquals("time=0.1 passed without a new registration (2 of 5 registered)", s.getString("startReason"));
        Api.cancelIfLive("mcast01");
    }

    // ---------------------------------------------------------------- the other rows

    @Test
    void clientsAndTimeAreMasterOnly() {
        String name = Api.name("rules");
        for (Map<String, Object> body : List.of(Api.body("d1", null, 5, null), Api.body("d1", "c", null, 2),
                Api.body("d1", "client", 3, 1))) {
            Api.registerRaw(name, body).then().statusCode(400)
                    .body("message", containsString("clients= and time= are the master's start rules"));
        }
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
    }

    @Test
    void timeAloneNeedsAReceiver() throws Exception {
        String name = Api.name("time");
        register(name, "m", "m", null, 0.01);  // 0.6 s, but nobody to send to yet
        clock.advance(Duration.ofMillis(1500));
        timeRules.fireDueTimeRules();
        assertEquals("OPEN", session(name).getString("state"));
        register(name, "c1");
        clock.advance(Duration.ofMillis(700));
        timeRules.fireDueTimeRules();
        assertEquals("STARTED", session(name).getString("state"));
        assertThat(session(name).getString("startReason"), "time=0.01 passed without a new registration (1 registered)");
    }

    @Test
    void aSecondMasterIsRefusedAndNothingIsWritten() {
        String name = Api.name("two-masters");
        register(name, "m1", "master", 3, null);
        register(name, "c1");
        Api.registerRaw(name, Api.body("m2", "master", 2, null)).then().statusCode(409)
                .body("message", containsString("already has a master: host-m1"));
        JsonPath s = session(name);
        assertEquals(1, s.getInt("registered"));
        assertNull(participant(s, "m2"));
        assertEquals(3, s.getInt("clients"), "the first master's rules stay");
        Device c = register(name, "c2");
        as(c).post("/api/participants/{id}/master", c.id()).then().statusCode(409);
        assertEquals("NONE", participant(session(name), "c2").get("role"), "the refused claim changed nothing");
    }

    @Test
    void noSourceNeverStarts() {
        String name = Api.name("nosource");
        register(name, "d1");
        register(name, "d2");
        admin().post("/api/sessions/{name}/start", name).then().statusCode(409)
                .body("message", containsString("no source"));
        assertEquals("OPEN", session(name).getString("state"));
    }

    @Test
    void theServerStartsASessionWithAnImage() {
        String name = Api.name("manual");
        Map<String, Object> req = new HashMap<>(Map.of("name", name, "imageId", "win11-lab-2026"));
        admin().body(req).post("/api/sessions").then().statusCode(400)
                .body("message", containsString("confirmation needed"));
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
        req.put("confirm", true);
        req.put("clients", 2);
        admin().body(req).post("/api/sessions").then().statusCode(201)
                .body("sourceKind", equalTo("IMAGE")).body("imageId", equalTo("win11-lab-2026"))
                .body("state", equalTo("OPEN")).body("waitingFor", equalTo("waiting for 2 devices (0 registered)"));
        // a device may not claim master of an image session
        Api.registerRaw(name, Api.body("m", "m", null, null)).then().statusCode(409)
                .body("message", containsString("has no master device"));
        admin().post("/api/sessions/{name}/start", name).then().statusCode(409)
                .body("message", containsString("no device has registered"));
        Device d = register(name, "d1");
        assertEquals("IMAGE", d.registration().getString("sourceKind"));
        assertEquals("waiting for 2 devices (1 registered)", d.registration().getString("waitingFor"));
        admin().post("/api/sessions/{name}/start", name).then().statusCode(200)
                .body("state", equalTo("STARTED")).body("startReason", containsString("started from the server by admin"));
        // a second create of a live name
        admin().body(req).post("/api/sessions").then().statusCode(409)
                .body("message", containsString("is already live"));
    }

    @Test
    void theServerGivesAnImageToWaitingDevices() {
        String name = Api.name("adopt");
        register(name, "d1");
        register(name, "d2");
        admin().body(Map.of("name", name, "imageId", "img-7", "clients", 2, "confirm", true)).post("/api/sessions")
                .then().statusCode(200).body("state", equalTo("STARTED"))
                .body("startReason", equalTo("clients=2 reached (2 registered)"));
    }

    @Test
    void aLateDeviceIsQueuedAndServedByTheNextRun() {
        String name = Api.name("late");
        Device m = register(name, "m", "master", 2, null);
        Device c1 = register(name, "c1");
        Device c2 = register(name, "c2");
        long run1 = c2.registration().getLong("runId");
        assertEquals("STARTED", c2.registration().getString("runState"));

        Device late = register(name, "late1");
        JsonPath j = late.registration();
        assertEquals("QUEUED", j.getString("state"));
        assertThat(j.getString("message"), "already started");
        assertThat(j.getString("message"), "queued for the next run");
        assertNull(j.getString("key"), "a queued device gets no key for a run it is not in");
        Device late2 = register(name, "late2", "master", 1, null);  // wants to be master next time
        assertEquals("QUEUED", late2.registration().getString("state"));
        JsonPath s = session(name);
        assertEquals(2, s.getInt("registered"));
        assertEquals(2, s.getList("queued").size());
        // a queued device cannot report progress for the run it is not in
        as(late).body(Map.of("state", "TRANSFERRING")).post("/api/participants/{id}/progress", late.id())
                .then().statusCode(409).body("message", containsString("queued"));

        report(c1, "TRANSFERRING", null, null);
        report(c1, "VERIFIED", SHA, null);
        report(c2, "FAILED", null, "disk full at 12 GiB");
        report(m, "VERIFIED", SHA, null);

        List<Map<String, Object>> runs = admin().get("/api/sessions/{name}/runs", name).then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(2, runs.size());
        Map<String, Object> first = runs.get(1);
        assertEquals("FAILED", first.get("state"));
        assertThat((String) first.get("endReason"), "1 of 2 verified (host-c2 FAILED: disk full at 12 GiB)");

        JsonPath next = state(late);
        assertEquals("REGISTERED", next.getString("state"));
        assertEquals(2, next.getInt("runNo"));
        assertNotEquals(run1, next.getLong("runId"));
        assertNotNull(next.getString("key"));
        assertEquals(c1.registration().getString("group"), next.getString("group"), "the freed group is reused");
        JsonPath master2 = state(late2);
        assertEquals("MASTER", master2.getString("role"));
        // the next run has the same rules: the queued master asked for clients=1, and late1 is there
        assertEquals("STARTED", master2.getString("runState"));
        assertEquals("clients=1 reached (1 registered)", master2.getString("startReason"));
    }

    @Test
    void queuedDevicesOfAnImageSessionKeepItsImageAndRules() {
        String name = Api.name("img-next");
        admin().body(Map.of("name", name, "imageId", "lab-2026", "clients", 1, "confirm", true))
                .post("/api/sessions").then().statusCode(201);
        register(name, "a");
        Device b = register(name, "b");
        Device c = register(name, "c");
        assertEquals("QUEUED", b.registration().getString("state"));
        admin().delete("/api/sessions/{name}", name).then().statusCode(200).body("state", equalTo("CANCELLED"));
        JsonPath s = session(name);
        assertEquals(2, s.getInt("runNo"));
        assertEquals("lab-2026", s.getString("imageId"));
        assertEquals(1, s.getInt("clients"));
        assertEquals("STARTED", s.getString("state"), "two queued devices, clients=1: starts at once");
        assertEquals("REGISTERED", state(c).getString("state"));
    }

    @Test
    void theRunFinishesWhenEveryoneVerified() {
        String name = Api.name("finish");
        admin().body(Map.of("name", name, "imageId", "x", "clients", 2, "confirm", true)).post("/api/sessions")
                .then().statusCode(201);
        Device a = register(name, "a");
        Device b = register(name, "b");
        report(a, "VERIFIED", SHA, null);
        assertEquals("STARTED", session(name).getString("state"));
        report(b, "VERIFIED", SHA, null);
        JsonPath s = session(name);
        assertEquals("FINISHED", s.getString("state"));
        assertEquals("2 of 2 verified", s.getString("endReason"));
        assertEquals(SHA, participant(s, "a").get("sha256"));
        // a repeated result is harmless; a different one after the end is refused
        report(a, "VERIFIED", SHA, null);
        as(a).body(Map.of("state", "TRANSFERRING")).post("/api/participants/{id}/progress", a.id())
                .then().statusCode(409);
    }

    @Test
    void resultsArrivingAfterTheSendersAreCounted() throws Exception {
        String name = Api.name("grace");
        Device m = register(name, "m", "master", 2, null);
        Device a = register(name, "a");
        register(name, "b");  // never reports
        report(m, "VERIFIED", SHA, null);  // the sender is done before its receivers' reports arrive
        assertEquals("STARTED", session(name).getString("state"), "waits for the results still on their way");
        report(a, "VERIFIED", SHA, null);
        assertEquals("STARTED", session(name).getString("state"));
        assertEquals("FAILED", waitForState(name, "FAILED", 10_000));
        JsonPath s = session(name);
        assertEquals("VERIFIED", participant(s, "a").get("state"));
        assertEquals("DROPPED", participant(s, "b").get("state"));
        assertThat(s.getString("endReason"), "1 of 2 verified (host-b DROPPED: no result from this device within 2 s "
                + "after the sender finished)");
    }

    @Test
    void namesAreUniqueAmongLiveSessionsAndGroupCollisionsAreResolved() {
        // two names whose derived groups collide: found by search, the same on every machine
        Map<String, String> seen = new HashMap<>();
        String first = null;
        String second = null;
        for (int i = 0; first == null; i++) {
            String n = "coll" + i;
            String g = GroupAddress.derive(n).getHostAddress();
            String other = seen.putIfAbsent(g, n);
            if (other != null) {
                first = other;
                second = n;
            }
        }
        Api.cancelIfLive(first);
        Api.cancelIfLive(second);
        String group = register(first, "x1").registration().getString("group");
        JsonPath j = register(second, "x2").registration();
        assertEquals(GroupAddress.derive(second, 1).getHostAddress(), j.getString("group"));
        assertNotEquals(group, j.getString("group"));
        assertThat(session(second).getString("groupNote"), group + " is used by live session " + first
                + "; took alternative 1");
        Api.cancelIfLive(first);
        Api.cancelIfLive(second);
    }

    @Test
    void longPollAnswersWhenTheRunChanges() throws Exception {
        String name = Api.name("poll");
        Device m = register(name, "m", "master", 1, null);
        JsonPath before = state(m);
        String version = before.getString("version");
        // nothing changes: the poll answers at the end of its wait with the same version
        long t = System.nanoTime();
        JsonPath same = as(m).queryParam("since", version).queryParam("wait", 1)
                .get("/api/participants/{id}", m.id()).then().statusCode(200).extract().jsonPath();
        assertEquals(version, same.getString("version"));
        assertTrue(System.nanoTime() - t >= 900_000_000L, "answered before the wait ended");
        // a registration during a long wait wakes the poll well before the wait ends
        Thread registering = new Thread(() -> {
            sleep(1000);
            register(name, "c1");
        });
        registering.start();
        t = System.nanoTime();
        JsonPath changed = as(m).queryParam("since", version).queryParam("wait", 30)
                .get("/api/participants/{id}", m.id()).then().statusCode(200).extract().jsonPath();
        long ms = (System.nanoTime() - t) / 1_000_000;
        registering.join();
        assertNotEquals(version, changed.getString("version"));
        assertEquals("STARTED", changed.getString("runState"));
        assertTrue(ms < 15_000, "the poll took " + ms + " ms: it waited for its timeout");
        as(m).queryParam("wait", 61).get("/api/participants/{id}", m.id()).then().statusCode(400);
    }

    // ---------------------------------------------------------------- helpers

    static void assertThat(String actual, String expectedPart) {
        assertNotNull(actual, "expected text containing '" + expectedPart + "'");
        assertTrue(actual.contains(expectedPart), "'" + actual + "' does not contain '" + expectedPart + "'");
    }

    static Map<String, Object> participant(JsonPath session, String deviceId) {
        List<Map<String, Object>> all = session.getList("participants");
        return all.stream().filter(p -> deviceId.equals(p.get("deviceId"))).findFirst().orElse(null);
    }

    static String waitForState(String name, String wanted, long timeoutMillis) throws Exception {
        return Waits.until(Math.max(1, timeoutMillis / 1000), () -> session(name).getString("state"), wanted::equals,
                state -> "session " + name + " did not reach " + wanted + " in " + timeoutMillis + " ms: " + state);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
