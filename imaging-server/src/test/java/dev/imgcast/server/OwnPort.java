package dev.imgcast.server;

import dev.imgcast.testsupport.Ports;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The server under test on a free port it knows in advance: session-service checks images with
 * the image store at {@code imgcast.image-store.url}, which in the embedded server is the server
 * itself, so the URL must name the port the tests' server really listens on (a random test port
 * is only known once it is bound, after the configuration was read).
 */
@QuarkusTestResource(OwnPort.class)
public class OwnPort implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        int port = Ports.free();
        return Map.of("quarkus.http.test-port", Integer.toString(port),
                "imgcast.image-store.url", "http://127.0.0.1:" + port);
    }

    @Override
    public void stop() {
    }
}
