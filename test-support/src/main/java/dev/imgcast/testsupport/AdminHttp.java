package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** A service's REST API as its admin user sees it (HTTP Basic), for tests of packaged services. */
public final class AdminHttp {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    /** {@code base}: e.g. {@code http://10.250.0.1:8080}. */
    public AdminHttp(String base, String password) {
        this.base = base;
        this.authorization = basic("admin", password);
    }

    /** An HTTP Basic {@code Authorization} header value. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String base() {
        return base;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST of a JSON body. */
    public HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads an image file to an image store (or the embedded server) and expects 201. */
    public void upload(String id, Path file, String sha) throws Exception {
        HttpResponse<String> r = http.send(request("/api/images/" + id + "/content").header("X-Imgcast-Sha256", sha)
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization);
    }
}
