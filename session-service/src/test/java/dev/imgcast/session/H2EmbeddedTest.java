package dev.imgcast.session;

import static dev.imgcast.session.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.session.Api.Device;
import io.agroal.api.AgroalDataSource;
import dev.imgcast.testsupport.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded default runs the same migrations on an H2 file database: the schema, its
 * constraints and a whole run (open, queue, start, finish, next run) work there as well.
 */
@QuarkusTest
@TestProfile(H2EmbeddedTest.H2.class)
class H2EmbeddedTest {
    public static class H2 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir;
            try {
                dir = Files.createTempDirectory("imgcast-h2");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "quarkus.datasource.db-kind", "h2",
                    "quarkus.datasource.jdbc.url", "jdbc:h2:file:" + dir.resolve("registry") + ";DB_CLOSE_DELAY=-1",
                    "quarkus.datasource.username", "sa",
                    "quarkus.flyway.schemas", "PUBLIC",
                    "quarkus.flyway.clean-at-start", "false");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theSameMigrationsAndRulesOnH2() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertEquals("H2", c.getMetaData().getDatabaseProductName());
        }
        String name = Api.name("h2");
        Device m = register(name, "m", "master", 2, null);
        register(name, "c1");
        Api.registerRaw(name, Api.body("m2", "master", null, null)).then().statusCode(409);
        Device c2 = register(name, "c2");
        assertEquals("STARTED", c2.registration().getString("runState"));
        Device late = register(name, "late");
        assertEquals("QUEUED", late.registration().getString("state"));
        String sha = "ef".repeat(32);
        Api.report(m, "VERIFIED", sha, null);
        // c1 and c2 never report: they are dropped when the result grace (2 s in tests) ends
        JsonPath next = Waits.until(10, () -> Api.state(late), j -> j.getInt("runNo") != 1,
                j -> "still run 1 after the grace: " + j.prettify());
        assertEquals(2, next.getInt("runNo"));
        assertEquals("REGISTERED", next.getString("state"));
        JsonPath runs = Api.admin().get("/api/sessions/{name}/runs", name).then().statusCode(200).extract().jsonPath();
        assertEquals("FAILED", runs.getString("[1].state"), "the master finished without results from c1 and c2");
        assertTrue(runs.getString("[1].endReason").contains(
            "0 of 2 verified (host-c1 DROPPED: no result from this device within 2 s after the sender finished"),
            runs.getString("[1].endReason"));
    }
}
