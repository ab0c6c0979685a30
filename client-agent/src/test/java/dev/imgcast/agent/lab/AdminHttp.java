package dev.imgcast.agent.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** A service's REST API as its admin user sees it (HTTP Basic), for the whole-system tests. */
final class AdminHttp {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    /** {@code base}: e.g. {@code http://10.250.0.1:8080}. */
    AdminHttp(String base, String password) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, JsonObject body) throws Exception {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads an image file to an image store (or the embedded server) and expects 201. */
    void upload(String id, Path file, String sha) throws Exception {
        HttpResponse<String> r = http.send(request("/api/images/" + id + "/content").header("X-Imgcast-Sha256", sha)
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization);
    }
}
