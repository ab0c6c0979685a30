package dev.imgcast.systemtests;

import static org.junit.jupiter.api.Assertions.fail;

import dev.imgcast.testsupport.Lab;
import dev.imgcast.testsupport.Waits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;

/**
 * Headless Chromium inside a lab host, driven over the W3C WebDriver protocol: Debian's
 * chromedriver runs in the host's namespace (so the browser's own traffic never leaves the lab)
 * and listens on the host's lab address, which the test reaches over the TCP-only server link.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String driver;
    private final String session;

    private Browser(String driver, String session) {
        this.driver = driver;
        this.session = session;
    }

    /** Starts chromedriver in {@code host} and a headless Chromium session through it. */
    static Browser start(Lab lab, String host, String hostAddress, Path profile) throws Exception {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                fail(binary + " is missing: install Debian's chromium and chromium-driver "
                        + "(apt-get install chromium chromium-driver; .ci/run does)");
            }
        }
        int port = 9515;
        lab.run(host, "chromedriver", CHROMEDRIVER, "--port=" + port, "--allowed-ips=10.250.0.254");
        String driver = "http://" + hostAddress + ":" + port;
        HttpClient probe = HttpClient.newHttpClient();
        Waits.until(20, () -> {
            try {
                HttpResponse<String> r = probe.send(HttpRequest.newBuilder(URI.create(driver + "/status"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && new JsonObject(r.body()).getJsonObject("value").getBoolean("ready");
            } catch (IOException notYet) {
                return false;  // starting
            }
        }, Boolean::booleanValue, last -> "chromedriver did not answer on " + driver + ":\n" + lab.log("chromedriver"));
        JsonArray args = new JsonArray().add("--headless=new").add("--no-sandbox").add("--disable-gpu")
                .add("--disable-quic").add("--no-first-run").add("--disable-background-networking")
                .add("--disable-component-update").add("--disable-sync").add("--disable-dev-shm-usage")
                .add("--disable-features=MediaRouter,OptimizationHints").add("--window-size=1280,1600")
                .add("--user-data-dir=" + profile.toAbsolutePath());
        JsonObject caps = new JsonObject().put("capabilities", new JsonObject().put("alwaysMatch", new JsonObject()
                .put("browserName", "chrome").put("goog:chromeOptions", new JsonObject().put("binary", CHROMIUM)
                        .put("args", args))));
        Browser unbound = new Browser(driver, null);
        JsonObject created = unbound.call("POST", driver + "/session", caps);
        return new Browser(driver, created.getJsonObject("value").getString("sessionId"));
    }

    void open(String url) throws Exception {
        command("POST", "/url", new JsonObject().put("url", url));
    }

    /** Runs a script in the page and returns what it returns (JSON types). */
    Object script(String body, Object... args) throws Exception {
        JsonArray a = new JsonArray();
        for (Object arg : args) {
            a.add(arg);
        }
        return command("POST", "/execute/sync", new JsonObject().put("script", body).put("args", a)).getValue("value");
    }

    void type(String css, String text) throws Exception {
        String id = element(css);
        command("POST", "/element/" + id + "/clear", new JsonObject());
        command("POST", "/element/" + id + "/value", new JsonObject().put("text", text));
    }

    void click(String css) throws Exception {
        command("POST", "/element/" + element(css) + "/click", new JsonObject());
    }

    String text(String css) throws Exception {
        return command("GET", "/element/" + element(css) + "/text", null).getString("value");
    }

    /** Waits until the script returns something the predicate accepts, and returns that. */
    Object await(String what, int seconds, String body, Predicate<Object> ok) throws Exception {
        return Waits.until(seconds, () -> script(body), ok, last -> failure(what, seconds, last));
    }

    private String failure(String what, int seconds, Object last) {
        String page;
        try {
            screenshot(Path.of("target/dashboard-screens/failure.png"));
            page = String.valueOf(script("return location.href + '\\n' + document.body.innerText;"));
        } catch (Exception | AssertionError e) {
            page = "(page unreadable: " + e + ")";
        }
        return what + " within " + seconds + " s; last value: " + last + "\npage (screenshot failure.png):\n" + page;
    }

    void screenshot(Path file) throws Exception {
        String png = command("GET", "/screenshot", null).getString("value");
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    private String element(String css) throws Exception {
        JsonObject found = command("POST", "/element", new JsonObject().put("using", "css selector").put("value", css));
        return found.getJsonObject("value").getString(ELEMENT);
    }

    private JsonObject command(String method, String path, JsonObject body) throws Exception {
        return call(method, driver + "/session/" + session + path, body);
    }

    private JsonObject call(String method, String url, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode()));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonObject answer = new JsonObject(r.body());
        if (r.statusCode() != 200) {
            fail("WebDriver " + method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return answer;
    }

    @Override
    public void close() throws Exception {
        if (session != null) {
            try {
                call("DELETE", driver + "/session/" + session, null);
            } catch (Exception | AssertionError e) {
                // the lab's teardown kills chromedriver and the browser anyway
            }
        }
    }
}
