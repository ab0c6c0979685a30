package dev.imgcast.agent;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The device's side of session-service's REST API (session-service/README.md), on the JDK's
 * HTTP client: small, no extra dependency. Failures come back as {@link Img.Problem}s that
 * carry the exit code they mean.
 */
final class RegistryClient {
    static final String ENROLLMENT = "X-Imgcast-Enrollment-Token";
    static final String PARTICIPANT = "X-Imgcast-Participant-Token";

    private final URI base;
    private final HttpClient http;
    private volatile long participantId;
    private volatile String participantToken;

    RegistryClient(String server) {
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server : server + "/");
        } catch (IllegalArgumentException e) {
            throw Img.Problem.usage("--server: not a URL: " + server);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw Img.Problem.usage("--server must be an http:// or https:// URL with a host, not " + server);
        }
        this.base = uri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    String server() {
        return base.toString();
    }

    JsonObject register(String name, JsonObject body, String enrollmentToken) {
        HttpRequest request = json("api/sessions/" + name + "/registrations", body, Duration.ofSeconds(30))
                .header(ENROLLMENT, enrollmentToken == null ? "" : enrollmentToken).build();
        JsonObject view = call(request, true);
        participantId = view.getLong("participantId");
        participantToken = view.getString("participantToken");
        return view;
    }

    /** The device's view; with {@code since}, waits up to {@code waitSeconds} for a change. */
    JsonObject view(String since, int waitSeconds) {
        String query = since == null ? "" : "?since=" + since + "&wait=" + waitSeconds;
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/participants/" + participantId + query))
                .timeout(Duration.ofSeconds(waitSeconds + 30L)).header(PARTICIPANT, participantToken).GET().build();
        return call(request, false);
    }

    JsonObject becomeMaster(Integer clients, java.math.BigDecimal time) {
        JsonObject body = new JsonObject();
        if (clients != null) {
            body.put("clients", clients);
        }
        if (time != null) {
            body.put("time", time);
        }
        return call(participant("master", body), false);
    }

    JsonObject start() {
        return call(participant("start", null), false);
    }

    JsonObject report(JsonObject progress) {
        return call(participant("progress", progress), false);
    }

    /** A progress report that nobody waits for: a lost one is replaced by the next. */
    CompletableFuture<Void> reportLater(JsonObject progress) {
        return http.sendAsync(participant("progress", progress), HttpResponse.BodyHandlers.discarding())
                .handle((r, e) -> null);
    }

    private HttpRequest participant(String action, JsonObject body) {
        return json("api/participants/" + participantId + "/" + action, body == null ? new JsonObject() : body,
                Duration.ofSeconds(30)).header(PARTICIPANT, participantToken).build();
    }

    private HttpRequest.Builder json(String path, JsonObject body, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private JsonObject call(HttpRequest request, boolean enrolling) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Img.Problem(ExitCode.SERVER, "cannot reach session-service at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Img.Problem(ExitCode.SERVER, "interrupted while talking to " + base);
        }
        JsonObject body;
        try {
            body = new JsonObject(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw new Img.Problem(ExitCode.SERVER, base + " is not an imgcast session-service (HTTP "
                    + response.statusCode() + ", no JSON answer)");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        String message = body.getString("message", "HTTP " + status);
        switch (status) {
            case 400:
                throw Img.Problem.usage(message);
            case 401:
            case 403:
                if (enrolling) {
                    throw new Img.Problem(ExitCode.AUTH, "the server refused the enrollment token: " + message);
                }
                if (status == 401 || message.contains("token")) {
                    throw new Img.Problem(ExitCode.AUTH, "the server refused this device's token: " + message);
                }
                throw new Img.Problem(ExitCode.REFUSED, message);
            case 404:
                throw new Img.Problem(ExitCode.SERVER, base + " answered 404 (" + message
                        + "): is this the session-service URL?");
            case 409:
                throw new Img.Problem(ExitCode.REFUSED, message);
            default:
                throw new Img.Problem(ExitCode.SERVER, "session-service failed (HTTP " + status + "): " + message);
        }
    }
}
