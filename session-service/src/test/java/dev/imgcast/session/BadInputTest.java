package dev.imgcast.session;

import static dev.imgcast.session.Api.admin;
import static dev.imgcast.session.Api.as;
import static dev.imgcast.session.Api.device;
import static dev.imgcast.session.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.session.Api.Device;
import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.SessionRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Wrong input and wrong credentials: a 4xx that says what is wrong, and nothing written. */
@QuarkusTest
class BadInputTest {

    @ParameterizedTest
    @ValueSource(strings = {"bad name", "-starts-with-dash", "x/y", "ünïcode",
        "a234567890123456789012345678901234567890123456789012345678901234"})
    void invalidNamesAreRefused(String name) {
        long runs = runs();
        device().body(Api.body("d1", null, null, null)).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("invalid session name"));
        admin().body(Map.of("name", name, "imageId", "x", "confirm", true)).post("/api/sessions")
                .then().statusCode(400).body("message", containsString("invalid session name"));
        assertEquals(runs, runs(), "nothing written");
    }

    @Test
    void absurdCountsAndTimesAreRefused() {
        String name = Api.name("absurd");
        Object[][] cases = {
                {-1, null, "clients must be between 1 and 10000, got -1"},
                {0, null, "clients must be between 1 and 10000, got 0"},
                {10_001, null, "clients must be between 1 and 10000, got 10001"},
                {null, -5, "time must be between 0.001 and 1440 minutes, got -5"},
                {null, 0, "time must be between 0.001 and 1440 minutes, got 0"},
                {null, 1441, "time must be between 0.001 and 1440 minutes, got 1441"},
                {5, 0.0001, "time must be between 0.001 and 1440 minutes, got 0.0001"},
        };
        for (Object[] c : cases) {
            Api.registerRaw(name, Api.body("m", "master", (Integer) c[0], c[1])).then().statusCode(400)
                    .body("message", equalTo(c[2]));
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("name", name);
            create.put("imageId", "x");
            create.put("confirm", true);
            if (c[0] != null) {
                create.put("clients", c[0]);
            }
            if (c[1] != null) {
                create.put("time", c[1]);
            }
            admin().body(create).post("/api/sessions").then().statusCode(400).body("message", equalTo(c[2]));
        }
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
    }

    /** A short number with a huge exponent is refused with a short answer, not one as long as its digits. */
    @Test
    void hugeExponentsAreRefusedInAFewBytes() {
        String name = Api.name("exp");
        for (String time : new String[] {"1e9999999", "1e999999999", "1e-999999999", "-1e999999999"}) {
            String register = "{\"deviceId\": \"m\", \"role\": \"master\", \"clients\": 2, \"time\": " + time + "}";
            String answer = device().body(register).post("/api/sessions/{name}/registrations", name).then().statusCode(400)
                    .body("message", containsString("time must be between 0.001 and 1440 minutes, got "))
                    .extract().asString();
            assertTrue(answer.length() < 300, time + ": " + answer.length() + " bytes");
            String create = "{\"name\": \"" + name + "\", \"imageId\": \"x\", \"confirm\": true, \"time\": " + time + "}";
            answer = admin().body(create).post("/api/sessions").then().statusCode(400)
                    .body("message", containsString("time must be between")).extract().asString();
            assertTrue(answer.length() < 300, time + ": " + answer.length() + " bytes");
        }
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
    }

    /** Values of the wrong type are refused, not coerced into something the sender did not mean. */
    @Test
    void wrongTypesAreNotCoerced() {
        String name = Api.name("types");
        long runs = runs();
        String[][] cases = {
                {"{\"deviceId\": 12345}", "deviceId"},
                {"{\"deviceId\": true}", "deviceId"},
                {"{\"deviceId\": \"m\", \"role\": \"master\", \"clients\": 1.5}", "clients"},
                {"{\"deviceId\": \"m\", \"role\": \"master\", \"clients\": \"2\"}", "clients"},
                {"{\"deviceId\": \"d1\", \"hostname\": \"pc\\u0007-1\"}", "hostname must not contain control characters"},
        };
        for (String[] c : cases) {
            device().body(c[0]).post("/api/sessions/{name}/registrations", name).then().statusCode(400)
                    .body("message", containsString(c[1]));
        }
        admin().get("/api/sessions?all=maybe").then().statusCode(400).body("message", containsString("all must be true or false"));
        admin().get("/api/sessions?all=true").then().statusCode(200);
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
        assertEquals(runs, runs(), "a refused request leaves no run behind");
    }

    @Test
    void malformedBodiesAreRefused() {
        String name = Api.name("json");
        long runs = runs();
        device().body("{\"deviceId\": \"d1\", ").post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("malformed JSON"));
        device().body("{\"deviceId\": \"d1\", \"clients\": \"five\", \"role\": \"m\"}")
                .post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("clients"));
        device().body("{\"deviceId\": \"d1\", \"colour\": \"red\"}").post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("unknown field 'colour'"));
        device().body("[1,2]").post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400);
        device().body("").post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400);
        device().body(Map.of("hostname", "nobody")).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("deviceId must not be blank"));
        device().body(Map.of("deviceId", "d e v")).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("deviceId may contain"));
        device().body(Map.of("deviceId", "d1", "mac", "not-a-mac")).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", containsString("mac must look like"));
        device().body(Map.of("deviceId", "d1", "role", "boss")).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(400).body("message", equalTo("role must be master (m), client (c) or absent, not 'boss'"));
        given().header("X-Imgcast-Enrollment-Token", Api.ENROLLMENT).contentType(ContentType.TEXT).body("deviceId=d1")
                .post("/api/sessions/{name}/registrations", name).then().statusCode(415);
        assertEquals(runs, runs(), "nothing written");
    }

    @Test
    void unknownSessionsAndParticipants() {
        admin().get("/api/sessions/{name}", "never-was").then().statusCode(404)
                .body("message", equalTo("no session named never-was"));
        admin().post("/api/sessions/{name}/start", "never-was").then().statusCode(404)
                .body("message", equalTo("no live session named never-was"));
        admin().delete("/api/sessions/{name}", "never-was").then().statusCode(404);
        admin().get("/api/sessions/{name}/runs", "never-was").then().statusCode(404);
        given().header("X-Imgcast-Participant-Token", "x").get("/api/participants/{id}", 99_999_999).then()
                .statusCode(403);
        admin().get("/api/nothing-here").then().statusCode(404).body("message", equalTo("no such resource"));
    }

    @Test
    void badProgressReports() {
        String name = Api.name("progress");
        Device m = register(name, "m", "m", 1, null);
        Device c = register(name, "c");
        as(c).body(Map.of("state", "DONE")).post("/api/participants/{id}/progress", c.id()).then().statusCode(400)
                .body("message", containsString("state must be TRANSFERRING, VERIFIED, FAILED or DROPPED"));
        as(c).body(Map.of("state", "VERIFIED")).post("/api/participants/{id}/progress", c.id()).then()
                .statusCode(400).body("message", containsString("needs the sha256"));
        as(c).body(Map.of("state", "VERIFIED", "sha256", "XYZ")).post("/api/participants/{id}/progress", c.id())
                .then().statusCode(400).body("message", containsString("sha256 must be 64 lowercase hex digits"));
        as(c).body(Map.of("state", "FAILED")).post("/api/participants/{id}/progress", c.id()).then()
                .statusCode(400).body("message", containsString("needs a reason"));
        as(c).body(Map.of("state", "TRANSFERRING", "bytesDone", 10, "bytesTotal", 5))
                .post("/api/participants/{id}/progress", c.id()).then().statusCode(400);
        as(c).body(Map.of("state", "TRANSFERRING", "bytesDone", 5, "bytesTotal", 10))
                .post("/api/participants/{id}/progress", c.id()).then().statusCode(200);
        assertEquals(50.0, ((Number) SessionRulesTest.participant(Api.session(name), "c").get("percent")).doubleValue());
        // progress before the start is refused
        String other = Api.name("progress");
        Device early = register(other, "e");
        as(early).body(Map.of("state", "TRANSFERRING")).post("/api/participants/{id}/progress", early.id()).then()
                .statusCode(409).body("message", containsString("not transferring"));
        as(m).body(Map.of("state", "TRANSFERRING")).post("/api/participants/{id}/progress", m.id()).then()
                .statusCode(200);
    }

    // ---------------------------------------------------------------- credentials

    @Test
    void registrationNeedsTheEnrollmentToken() {
        String name = Api.name("enroll");
        given().contentType(ContentType.JSON).body(Api.body("d1", null, null, null))
                .post("/api/sessions/{name}/registrations", name).then().statusCode(401)
                .body("message", containsString("missing enrollment token"));
        given().contentType(ContentType.JSON).header("X-Imgcast-Enrollment-Token", "guess")
                .body(Api.body("d1", null, null, null)).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(403).body("message", equalTo("wrong enrollment token"))
                .body(not(containsString("group")));
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
    }

    @Test
    void adminOperationsNeedAnAdmin() {
        given().get("/api/sessions").then().statusCode(401);
        given().auth().preemptive().basic("admin", "wrong").get("/api/sessions").then().statusCode(401);
        given().auth().preemptive().basic("nobody", "x").contentType(ContentType.JSON)
                .body(Map.of("name", "x", "imageId", "i", "confirm", true)).post("/api/sessions").then().statusCode(401);
        String name = Api.name("admin");
        register(name, "d1");
        given().post("/api/sessions/{name}/start", name).then().statusCode(401);
        given().delete("/api/sessions/{name}", name).then().statusCode(401);
        // the enrollment token is not an admin credential
        device().get("/api/sessions").then().statusCode(401);
        assertEquals("OPEN", Api.session(name).getString("state"));
    }

    @Test
    void theKeyGoesOnlyToRegisteredParticipants() {
        String name = Api.name("key");
        Device a = register(name, "a", "m", 1, null);
        Device b = register(name, "b");
        String key = a.registration().getString("key");
        assertEquals(44, key.length(), "256-bit key, base64");
        assertEquals(key, b.registration().getString("key"));
        // no token, a wrong token, another participant's token
        given().get("/api/participants/{id}", a.id()).then().statusCode(401).body(not(containsString(key)));
        given().header("X-Imgcast-Participant-Token", "forged").get("/api/participants/{id}", a.id()).then()
                .statusCode(403).body(not(containsString(key)));
        given().header("X-Imgcast-Participant-Token", b.token()).get("/api/participants/{id}", a.id()).then()
                .statusCode(403).body(not(containsString(key)));
        given().header("X-Imgcast-Participant-Token", b.token()).post("/api/participants/{id}/start", a.id()).then()
                .statusCode(403);
        // the admin's views never carry it
        admin().get("/api/sessions/{name}", name).then().statusCode(200).body(not(containsString(key)));
        admin().get("/api/sessions").then().statusCode(200).body(not(containsString(key)));
        // registering again replaces the token: the old one stops working
        Device again = register(name, "b");
        assertEquals(b.id(), again.id());
        given().header("X-Imgcast-Participant-Token", b.token()).get("/api/participants/{id}", b.id()).then()
                .statusCode(403);
        as(again).get("/api/participants/{id}", again.id()).then().statusCode(200);
    }

    @Test
    void openApiAndSwaggerUi() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/sessions/{name}/registrations"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    private static long runs() {
        return QuarkusTransaction.requiringNew().call(() -> SessionRun.count() + Participant.count());
    }

}
