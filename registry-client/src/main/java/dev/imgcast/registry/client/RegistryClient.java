package dev.imgcast.registry.client;

import dev.imgcast.registry.client.RegistryException.Kind;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The device side of session-service's REST API, on the JDK's HTTP client: register, follow the
 * run with long polls, the keys m and g, report progress and the result. One client is one
 * registered device (after {@link #register}). Every failure is a {@link RegistryException}.
 * Thread-safe: a key reader may call {@link #start()} while another thread polls.
 */
public final class RegistryClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PASSING_RETRY = Duration.ofSeconds(1);

    private final URI base;
    private final HttpClient http;
    private volatile long participantId;
    private volatile String participantToken;

    /**
     * A client of the session-service at {@code server} (http or https, with a host).
     *
     * @throws IllegalArgumentException naming what is wrong with the URL, worded to follow its
     *                                  option's name ("--server must be ...")
     */
    public RegistryClient(String server) {
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server : server + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a URL: " + server);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host, not " + server);
        }
        this.base = uri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The server's URL, ending in a slash. */
    public String server() {
        return base.toString();
    }

    /** The participant id of this device, once registered. */
    public long participantId() {
        return participantId;
    }

    /**
     * Registers the device in the session (opening it if it is not live); registering again
     * keeps the device's place. The answer carries the participant token used from then on.
     */
    public DeviceView register(String session, Registration registration, String enrollmentToken) {
        HttpRequest request = json(RegistryApi.registrations(session), registration.toJson())
                .header(RegistryApi.ENROLLMENT_HEADER, enrollmentToken == null ? "" : enrollmentToken).build();
        DeviceView view = DeviceView.of(call(request, true));
        participantId = view.participantId();
        participantToken = view.participantToken();
        return view;
    }

    /** The device's view now. */
    public DeviceView view() {
        return DeviceView.of(call(get(""), false));
    }

    /**
     * A long poll: the view as soon as it differs from version {@code since}, or after
     * {@code waitSeconds} (at most {@link RegistryApi#MAX_WAIT_SECONDS}) unchanged.
     */
    public DeviceView poll(String since, int waitSeconds) {
        int wait = Math.max(0, Math.min(waitSeconds, RegistryApi.MAX_WAIT_SECONDS));
        return DeviceView.of(call(get("?since=" + since + "&wait=" + wait), false));
    }

    /**
     * Follows the run with long polls until it starts for this device and returns that view.
     *
     * @throws RegistryException of kind RUN_ENDED when the device's run ended without it
     */
    public DeviceView awaitStart(DeviceView view, int waitSeconds) {
        DeviceView v = view;
        while (!v.started()) {
            if (v.runEndedWithoutThisDevice()) {
                throw runEnded(v);
            }
            v = poll(v.version(), waitSeconds);
        }
        return v;
    }

    /**
     * Follows the started run until session-service names its sender ({@link DeviceView#sender()}):
     * a device takes the image from that host only. A run with a master device names it from the
     * start (the master's registered address); a run the server sends names it when the
     * multicast-sender reports the transfer started, a moment after the run started. Long polls for
     * at most {@code max}; a passing failure of the server (unreachable, restarting) is retried
     * within that time.
     *
     * @return the view naming the sender, or the last view seen when {@code max} passed without one
     * @throws RegistryException of kind RUN_ENDED when the run ended meanwhile; another kind when the
     *                           server refuses, or is still failing when the time is up
     */
    public DeviceView awaitSender(DeviceView view, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        DeviceView v = view;
        while (v.senderAddress() == null) {
            if (v.runEndedWithoutThisDevice()) {
                throw runEnded(v);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return v;
            }
            try {
                v = poll(v.version(), (int) Math.max(1, Math.min(RegistryApi.MAX_WAIT_SECONDS, left / 1_000_000_000L)));
            } catch (RegistryException e) {
                boolean passing = e.kind() == Kind.UNREACHABLE || e.kind() == Kind.SERVER_ERROR;
                if (!passing || deadline - System.nanoTime() < PASSING_RETRY.toNanos()) {
                    throw e;
                }
                pause(PASSING_RETRY, e);
            }
        }
        return v;
    }

    private static void pause(Duration pause, RegistryException cause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /**
     * What a device says when its run ended before its copy was done, e.g. {@code run 1 of srv01 was
     * cancelled before this device's copy was done: cancelled by admin admin: wrong image}.
     */
    public static RegistryException runEnded(DeviceView v) {
        String how = switch (v.runState() == null ? "" : v.runState()) {
            case "CANCELLED" -> "was cancelled";
            case "FAILED" -> "failed";
            default -> "ended " + v.runState();
        };
        return new RegistryException(Kind.RUN_ENDED, 0, "run " + v.runNo() + " of " + v.name() + " " + how
                + " before this device's copy was done: " + (v.endReason() == null ? "no reason given" : v.endReason()),
                v.endReason());
    }

    /** Key m: this device becomes the master, with the rules given (null: none). */
    public DeviceView becomeMaster(Integer clients, BigDecimal time) {
        JsonObject body = new JsonObject();
        if (clients != null) {
            body.put("clients", clients);
        }
        if (time != null) {
            body.put("time", time);
        }
        return DeviceView.of(call(participant("master", body), false));
    }

    /** Key g: the master starts the run. */
    public DeviceView start() {
        return DeviceView.of(call(participant("start", new JsonObject()), false));
    }

    /** Reports progress or the result; a result is final. */
    public void report(Report report) {
        call(participant("progress", report.toJson()), false);
    }

    /** A progress report nobody waits for: a lost one is replaced by the next. */
    public CompletableFuture<Void> reportLater(Report report) {
        return http.sendAsync(participant("progress", report.toJson()), HttpResponse.BodyHandlers.discarding())
                .handle((r, e) -> null);
    }

    private HttpRequest get(String query) {
        return HttpRequest.newBuilder(base.resolve(RegistryApi.participant(participantId) + query))
                .timeout(REQUEST_TIMEOUT.plusSeconds(RegistryApi.MAX_WAIT_SECONDS))
                .header(RegistryApi.PARTICIPANT_HEADER, token()).GET().build();
    }

    private HttpRequest participant(String action, JsonObject body) {
        return json(RegistryApi.participant(participantId) + "/" + action, body)
                .header(RegistryApi.PARTICIPANT_HEADER, token()).build();
    }

    private String token() {
        String token = participantToken;
        if (token == null) {
            throw new IllegalStateException("register first");
        }
        return token;
    }

    private HttpRequest.Builder json(String path, JsonObject body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private JsonObject call(HttpRequest request, boolean enrolling) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException(Kind.UNREACHABLE, 0, "cannot reach session-service at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Kind.UNREACHABLE, 0, "interrupted while talking to " + base, null);
        }
        int status = response.statusCode();
        JsonObject body;
        try {
            body = new JsonObject(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw new RegistryException(Kind.NOT_A_REGISTRY, status, base + " is not an imgcast session-service (HTTP "
                    + status + ", no JSON answer)", null);
        }
        if (status / 100 == 2) {
            return body;
        }
        String said = body.getString("message");
        String message = said != null ? said : "HTTP " + status;
        throw switch (status) {
            case 400 -> new RegistryException(Kind.BAD_REQUEST, status, message, said);
            case 401, 403 -> {
                if (enrolling) {
                    yield new RegistryException(Kind.ENROLLMENT_REFUSED, status,
                            "the server refused the enrollment token: " + message, said);
                }
                if (status == 401 || message.contains("token")) {
                    yield new RegistryException(Kind.TOKEN_REFUSED, status,
                            "the server refused this device's token: " + message, said);
                }
                yield new RegistryException(Kind.REFUSED, status, message, said);
            }
            case 404 -> new RegistryException(Kind.NOT_A_REGISTRY, status, base + " answered 404 (" + message
                    + "): is this the session-service URL?", said);
            case 409 -> new RegistryException(Kind.REFUSED, status, message, said);
            default -> new RegistryException(Kind.SERVER_ERROR, status, "session-service failed (HTTP " + status
                    + "): " + message, said);
        };
    }
}
