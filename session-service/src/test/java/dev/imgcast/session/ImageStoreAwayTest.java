package dev.imgcast.session;

import static dev.imgcast.session.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.imgcast.testsupport.Ports;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the image store away, a session started from the server is refused (503) and nothing is created. */
@QuarkusTest
@TestProfile(ImageStoreAwayTest.Away.class)
class ImageStoreAwayTest {
    static final int CLOSED_PORT = Ports.free();

    /** The image store's address is a port nobody listens on; the real one is not started. */
    public static class Away implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgcast.image-store.url", "http://127.0.0.1:" + CLOSED_PORT);
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void anUnreachableImageStoreIsA503AndNothingIsCreated() {
        String name = Api.name("away");
        admin().body(Map.of("name", name, "imageId", "img", "clients", 1, "confirm", true)).post("/api/sessions")
                .then().statusCode(503).body("error", equalTo("Service Unavailable"))
                .body("message", containsString("cannot check image img: the image store at http://127.0.0.1:"
                        + CLOSED_PORT + " does not answer"))
                .body("message", containsString("nothing was created"));
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
    }
}
