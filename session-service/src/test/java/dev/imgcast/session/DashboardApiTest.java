package dev.imgcast.session;

import static dev.imgcast.session.Api.register;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.imgcast.session.Api.Device;
import dev.imgcast.testsupport.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the dashboard reads: device rates, the sender's wire counters, a run's throughput
 * history, the metrics of a run, and the page itself (its refusals come back without the
 * browser's password dialog). The browser test on a real session is
 * {@code client-agent/.../lab/DashboardLabIT}.
 */
@QuarkusTest
class DashboardApiTest {
    @Inject
    TestClock clock;

    private static final String SHA = "ab".repeat(32);

    @Test
    void devicesGetARateAndTheRunAThroughputHistory() throws Exception {
        double registeredBefore = metric("imgcast_session_registrations_total{result=\"REGISTERED\"}");
        double verifiedBefore = metric("imgcast_session_receivers_total{outcome=\"VERIFIED\"}");
        double droppedBefore = metric("imgcast_session_receivers_total{outcome=\"DROPPED\"}");
        String name = Api.name("dash");
        Device m = register(name, "m", "master", 2, null);
        Device c1 = register(name, "c1");
        Device c2 = register(name, "c2");
        long runId = c2.registration().getLong("runId");
        assertEquals("STARTED", c2.registration().getString("runState"));

        progress(c1, 1_000_000);
        progress(c2, 500_000);
        clock.advance(Duration.ofMillis(1100));  // samples are at most one a second per run
        progress(c1, 3_000_000);
        progress(c2, 1_500_000);

        Map<String, Object> p1 = SessionRulesTest.participant(Api.session(name), "c1");
        Number rate = (Number) p1.get("rateBytesPerSecond");
        assertNotNull(rate, "a rate after two reports: " + p1);
        // 2 MB in a little over 1.1 s
        assertTrue(rate.doubleValue() > 1_000_000 && rate.doubleValue() < 1_900_000, "rate " + rate);
        assertNotNull(p1.get("progressAt"));

        JsonPath t = Api.admin().get("/api/runs/{id}/throughput", runId).then().statusCode(200).extract().jsonPath();
        assertEquals(name, t.getString("name"));
        assertEquals("STARTED", t.getString("state"));
        List<Map<String, Object>> points = t.getList("points");
        assertTrue(points.size() >= 3, "the origin and two samples: " + points);
        assertEquals(0, ((Number) points.get(0).get("receivedBytes")).longValue());
        Map<String, Object> last = points.get(points.size() - 1);
        // both devices' bytes as of the last sample: c1's second report is sampled (over a second
        // after the first sample); c2's, right after it, may fall in the same second and wait
        long received = ((Number) last.get("receivedBytes")).longValue();
        assertTrue(received == 3_500_000L || received == 4_500_000L, "both devices' bytes: " + last);
        assertEquals(2, last.get("receivers"));
        assertTrue(((Number) last.get("receivedBytesPerSecondPerDevice")).doubleValue() > 0, last.toString());
        assertNull(last.get("sentBytesPerSecond"), "a device master reports no wire counters");

        // c1 verified, c2 silent: the master's end, then the grace period drops c2
        Api.report(c1, "VERIFIED", SHA, null);
        Api.report(m, "VERIFIED", SHA, null);
        Waits.until(10, () -> Api.session(name).getString("state"), "FAILED"::equals,
                state -> "c2 dropped after the grace period, but the run is " + state);
        JsonPath ended = Api.admin().get("/api/runs/{id}/throughput", runId).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("FAILED", ended.getString("state"));
        assertNotNull(ended.getString("endedAt"));
        assertTrue(ended.getList("points").size() > points.size(), "a last sample at the end");

        assertEquals(registeredBefore + 3, metric("imgcast_session_registrations_total{result=\"REGISTERED\"}"));
        assertEquals(verifiedBefore + 1, metric("imgcast_session_receivers_total{outcome=\"VERIFIED\"}"));
        assertEquals(droppedBefore + 1, metric("imgcast_session_receivers_total{outcome=\"DROPPED\"}"));
        assertTrue(metric("imgcast_session_runs_ended_total{state=\"FAILED\"}") >= 1);
        // the database gauges refresh every 5 s
        Waits.until(8, () -> metric("imgcast_sessions{state=\"FAILED\"}"), failedRuns -> failedRuns >= 1,
                failedRuns -> "imgcast_sessions{state=FAILED} " + failedRuns);
    }

    @Test
    void theSendersWireCountersReachTheSessionViewAndNegativeOnesAreRejected() throws Exception {
        String name = Api.name("dash-img");
        long runId = Api.admin().body(Map.of("name", name, "imageId", "img-1", "clients", 1, "confirm", true))
                .post("/api/sessions").then().statusCode(201).extract().jsonPath().getLong("runId");
        register(name, "c1");
        assertEquals("STARTED", Api.session(name).getString("state"));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection("dashboard-api-test");
             Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("imgcast.transfer", "topic", true);
            publish(channel, Map.of("type", "transfer.progress", "version", 1, "runId", runId, "bytesDone", 100,
                    "bytesTotal", 1000, "round", 1, "payloadBytesSent", -5, "dataPackets", 1, "repairPackets", 0));
            publish(channel, Map.of("type", "transfer.progress", "version", 1, "runId", runId, "bytesDone", 800,
                    "bytesTotal", 1000, "round", 2, "payloadBytesSent", 900, "dataPackets", 40, "repairPackets", 4,
                    "rateBitsPerSecond", 300_000_000));
        }
        JsonPath s = Waits.until(15, () -> Api.session(name), v -> v.get("senderRepairPackets") != null,
                v -> "the valid event never applied: " + v.prettify());
        assertEquals(4, s.getInt("senderRepairPackets"), "the valid event applied: " + s.prettify());
        assertEquals(40, s.getInt("senderDataPackets"));
        assertEquals(900, s.getInt("senderPayloadBytes"));
        assertEquals(300_000_000, s.getInt("senderRateBitsPerSecond"));
        assertEquals(800, s.getInt("senderBytesSent"), "the negative one was rejected, not half-applied");
        List<Map<String, Object>> points = Api.admin().get("/api/runs/{id}/throughput", runId).then().statusCode(200)
                .extract().jsonPath().getList("points");
        assertEquals(900, ((Number) points.get(points.size() - 1).get("senderBytes")).intValue());
        assertNotNull(points.get(points.size() - 1).get("sentBytesPerSecond"));
        Api.cancelIfLive(name);
    }

    @Test
    void throughputOfAnUnknownRunIs404AndNeedsAnAdmin() {
        Response r = Api.admin().get("/api/runs/{id}/throughput", 987_654_321L);
        assertEquals(404, r.statusCode());
        assertEquals("no run 987654321", r.jsonPath().getString("message"));
        given().get("/api/runs/1/throughput").then().statusCode(401);
        Api.admin().get("/api/sessions?all=true&limit=0").then().statusCode(400);
    }

    @Test
    void theDashboardIsServedAndItsRefusalsComeWithoutAPasswordDialog() {
        String page = given().get("/dashboard/").then().statusCode(200).extract().asString();
        assertTrue(page.contains("<title>imgcast dashboard</title>"), page);
        String script = given().get("/dashboard/dashboard.js").then().statusCode(200).extract().asString();
        assertTrue(script.contains("/api/runs/"), "the script reads the throughput API");
        Response plain = given().auth().preemptive().basic("admin", "wrong").get("/api/sessions");
        assertEquals(401, plain.statusCode());
        assertNotNull(plain.getHeader("WWW-Authenticate"), "curl and the OpenAPI UI get the challenge");
        Response dashboard = given().header("X-Imgcast-Dashboard", "1").auth().preemptive().basic("admin", "wrong")
                .get("/api/sessions");
        assertEquals(401, dashboard.statusCode());
        assertNull(dashboard.getHeader("WWW-Authenticate"), "no browser password dialog for the dashboard");
        given().header("X-Imgcast-Dashboard", "1").auth().preemptive().basic("admin", Api.ADMIN_PASSWORD)
                .get("/api/sessions").then().statusCode(200);
    }

    private static void progress(Device d, long bytes) {
        Api.as(d).body(Map.of("state", "TRANSFERRING", "bytesDone", bytes, "bytesTotal", 10_000_000))
                .post("/api/participants/{id}/progress", d.id()).then().statusCode(200);
    }

    private static void publish(Channel channel, Map<String, Object> event) throws Exception {
        channel.basicPublish("imgcast.transfer", "transfer.progress",
                new AMQP.BasicProperties.Builder().contentType("application/json").build(),
                new ObjectMapper().writeValueAsBytes(EventsTest.withEnvelope(event)));
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
