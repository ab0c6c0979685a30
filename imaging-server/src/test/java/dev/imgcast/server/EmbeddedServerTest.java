package dev.imgcast.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.testsupport.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The three services in one JVM on H2, events in-process: an image uploaded, a session started
 * from the server with it, the image-store told that the session uses the image, the sender's
 * result reaching the registry — without PostgreSQL or RabbitMQ.
 */
@QuarkusTest
class EmbeddedServerTest {
    @Inject
    AgroalDataSource registry;
    @Inject
    @DataSource("images")
    AgroalDataSource images;

    static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "test-admin");
    }

    @Test
    void theWholeServerInOneJvm() throws Exception {
        try (Connection a = registry.getConnection(); Connection b = images.getConnection()) {
            assertEquals("H2", a.getMetaData().getDatabaseProductName());
            assertEquals("H2", b.getMetaData().getDatabaseProductName());
        }
        byte[] image = new byte[3 << 20];
        new Random(3).nextBytes(image);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        String id = "img-" + UUID.randomUUID().toString().substring(0, 8);
        admin().header("X-Imgcast-Sha256", sha).contentType("application/octet-stream").body(image)
                .put("/api/images/{id}/content", id).then().statusCode(201).body("sha256", equalTo(sha));

        String name = "emb-" + UUID.randomUUID().toString().substring(0, 8);
        admin().contentType("application/json").body(Map.of("name", name, "imageId", id, "clients", 1, "confirm", true))
                .post("/api/sessions").then().statusCode(201).body("sourceKind", equalTo("IMAGE"));
        // session.opened reached the image store in-process: the image is in use, not deletable
        awaitInUse(id);
        admin().delete("/api/images/{id}", id).then().statusCode(409);

        // a device registers: clients=1 starts the run; the sender (on lo, which does no
        // multicast here) fails, and its transfer.finished reaches the registry in-process
        JsonPath device = given().header("X-Imgcast-Enrollment-Token", "test-token").contentType("application/json")
                .body(Map.of("deviceId", "d1", "hostname", "pc-1")).post("/api/sessions/{name}/registrations", name)
                .then().statusCode(200).extract().jsonPath();
        assertEquals("STARTED", device.getString("runState"));
        JsonPath s = Waits.until(15, () -> admin().get("/api/sessions/{name}", name).then().statusCode(200).extract()
                .jsonPath(), j -> !"STARTED".equals(j.getString("state")), j -> "the run never ended: " + j.prettify());
        assertEquals("FAILED", s.getString("state"), s.prettify());
        assertTrue(s.getString("endReason").startsWith("the sender failed: "), s.getString("endReason"));
        // the run ended: the image is free again
        Waits.until(10, () -> admin().get("/api/images/{id}", id).then().extract().jsonPath().<String>getList("inUseBy"),
                users -> users == null || users.isEmpty(), users -> "image " + id + " still in use by " + users);
        admin().delete("/api/images/{id}", id).then().statusCode(204);
        given().get("/q/swagger-ui/").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static void awaitInUse(String id) throws Exception {
        Waits.until(10, () -> admin().get("/api/images/{id}", id).then().statusCode(200).extract().jsonPath()
                .<String>getList("inUseBy"), users -> users != null && !users.isEmpty(),
                users -> "image-store never heard that a session uses " + id);
    }
}
