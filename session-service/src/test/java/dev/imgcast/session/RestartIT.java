package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.imgcast.testsupport.Waits;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry is the database: the packaged service is killed (SIGKILL) in the middle of two
 * sessions and started again; registrations, tokens, rules and the time= clock carry on.
 */
class RestartIT {
    private static final String ENROLLMENT = "restart-it-token";
    private static final String ADMIN = "restart-it-admin";
    private PackagedService service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aKilledServiceLosesNothing() throws Exception {
        service = PackagedService.start("restart", 0, true, ENROLLMENT, ADMIN);
        Map<String, Object> master = Map.of("deviceId", "m", "hostname", "master-pc", "address", "10.250.0.10",
                "role", "master", "clients", 3);
        JsonPath m = register("restart01", master);
        JsonPath c1 = register("restart01", Map.of("deviceId", "c1", "hostname", "pc-1"));
        // a second session, whose time= must fire after the restart, with nobody registering
        register("restart02", Map.of("deviceId", "m", "role", "m", "time", 0.1));
        register("restart02", Map.of("deviceId", "c1"));
        String key = m.getString("key");

        assertEquals(137, service.kill(), "killed with SIGKILL, no clean shutdown");
        service = PackagedService.start("restart", service.port, false, ENROLLMENT, ADMIN);

        JsonPath s = admin().get("/api/sessions/restart01").then().statusCode(200).extract().jsonPath();
        assertEquals("OPEN", s.getString("state"));
        assertEquals(1, s.getInt("registered"));
        assertEquals(2, s.getList("participants").size());
        assertEquals(3, s.getInt("clients"));
        // the device's token still works, the key is the same
        JsonPath again = given().header("X-Imgcast-Participant-Token", c1.getString("participantToken"))
                .get("/api/participants/{id}", c1.getLong("participantId")).then().statusCode(200).extract().jsonPath();
        assertEquals(key, again.getString("key"));
        register("restart01", Map.of("deviceId", "c2"));
        JsonPath third = register("restart01", Map.of("deviceId", "c3"));
        assertEquals("STARTED", third.getString("runState"));
        assertEquals("clients=3 reached (3 registered)", third.getString("startReason"));

        Waits.until(20, () -> admin().get("/api/sessions/restart02").then().statusCode(200).extract().jsonPath()
                .getString("state"), "STARTED"::equals, state -> "the time= rule of restart02 did not fire after the "
                + "restart: " + state);
    }

    private JsonPath register(String name, Map<String, Object> body) {
        JsonPath j = given().contentType(ContentType.JSON)
                .header("X-Imgcast-Enrollment-Token", ENROLLMENT).body(body)
                .post("/api/sessions/{name}/registrations", name).then().statusCode(200).extract().jsonPath();
        assertNotNull(j.getString("participantToken"));
        return j;
    }

    private io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", ADMIN);
    }

    private io.restassured.specification.RequestSpecification given() {
        return service.given();
    }

}
