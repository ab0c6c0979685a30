package dev.imgcast.session;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** What the tests do over HTTP, as a device or an admin would. */
final class Api {
    static final String ENROLLMENT = "test-enrollment-token";
    static final String ADMIN_PASSWORD = "test-admin-secret";

    private Api() {
    }

    /** A session name no other test uses. */
    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", ADMIN_PASSWORD).contentType(ContentType.JSON);
    }

    static RequestSpecification device() {
        return given().header("X-Imgcast-Enrollment-Token", ENROLLMENT).contentType(ContentType.JSON);
    }

    static RequestSpecification as(Device d) {
        return given().header("X-Imgcast-Participant-Token", d.token()).contentType(ContentType.JSON);
    }

    /** {@code img session NAME [role] [clients=N] [time=T]} as a device sends it. */
    static Map<String, Object> body(String deviceId, String role, Integer clients, Object time) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("deviceId", deviceId);
        b.put("hostname", "host-" + deviceId);
        b.put("address", "10.250.0." + (Math.abs(deviceId.hashCode()) % 200 + 10));
        if (role != null) {
            b.put("role", role);
        }
        if (clients != null) {
            b.put("clients", clients);
        }
        if (time != null) {
            b.put("time", time);
        }
        return b;
    }

    static Response registerRaw(String name, Map<String, Object> body) {
        return device().body(body).post("/api/sessions/{name}/registrations", name);
    }

    static Device register(String name, String deviceId, String role, Integer clients, Object time) {
        JsonPath j = registerRaw(name, body(deviceId, role, clients, time)).then().statusCode(200).extract().jsonPath();
        return new Device(j.getLong("participantId"), j.getString("participantToken"), j);
    }

    static Device register(String name, String deviceId) {
        return register(name, deviceId, null, null, null);
    }

    static JsonPath state(Device d) {
        return as(d).get("/api/participants/{id}", d.id()).then().statusCode(200).extract().jsonPath();
    }

    static JsonPath session(String name) {
        return admin().get("/api/sessions/{name}", name).then().statusCode(200).extract().jsonPath();
    }

    static void report(Device d, String state, String sha256, String reason) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("state", state);
        b.put("bytesDone", 1024);
        b.put("bytesTotal", 1024);
        if (sha256 != null) {
            b.put("sha256", sha256);
        }
        if (reason != null) {
            b.put("reason", reason);
        }
        as(d).body(b).post("/api/participants/{id}/progress", d.id()).then().statusCode(200);
    }

    static void cancelIfLive(String name) {
        admin().delete("/api/sessions/{name}", name);
    }

    record Device(long id, String token, JsonPath registration) {
    }
}
