package dev.imgcast.session;

import static dev.imgcast.session.Api.admin;
import static dev.imgcast.session.Api.register;
import static dev.imgcast.session.Api.session;
import static dev.imgcast.session.Api.state;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgcast.session.Api.Device;
import dev.imgcast.testsupport.AdminHttp;
import dev.imgcast.testsupport.Waits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session started from the server, against the real image-store ({@link ImageStore}): the image
 * is checked before anything is created; a confirmation without rules is the start; the admin
 * changes the rules of a waiting run.
 */
@QuarkusTest
class ServerStartTest {

    @Test
    void anUnknownImageIsRefusedAndNothingIsCreated() {
        String name = Api.name("unknown");
        admin().body(Map.of("name", name, "imageId", "never-uploaded", "clients", 2, "confirm", true))
                .post("/api/sessions").then().statusCode(404)
                .body("error", equalTo("Not Found"))
                .body("message", containsString("no image never-uploaded in the image store at " + ImageStore.url()))
                .body("message", containsString("nothing was created"));
        admin().get("/api/sessions/{name}", name).then().statusCode(404);
        admin().get("/api/sessions/{name}/runs", name).then().statusCode(404);
        // devices already waiting keep waiting, without a source
        Device d = register(name, "d1");
        admin().body(Map.of("name", name, "imageId", "never-uploaded", "confirm", true)).post("/api/sessions")
                .then().statusCode(404);
        JsonPath s = session(name);
        assertEquals("NONE", s.getString("sourceKind"));
        assertEquals("OPEN", s.getString("state"));
        assertEquals(1, admin().get("/api/sessions/{name}/runs", name).then().extract().jsonPath().getList("$").size());
        assertEquals("REGISTERED", state(d).getString("state"));
    }

    @Test
    void anImageStillUploadingIsRefusedAndNothingIsCreated() throws Exception {
        String name = Api.name("uploading");
        String id = "slow-" + name;
        // an upload under way: the request and its first bytes sent, the rest held back
        try (Socket upload = new Socket("127.0.0.1", URI.create(ImageStore.url()).getPort())) {
            OutputStream out = upload.getOutputStream();
            out.write(("PUT /api/images/" + id + "/content HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + AdminHttp.basic("admin", ImageStore.ADMIN_PASSWORD) + "\r\n"
                    + "X-Imgcast-Sha256: " + "0".repeat(64) + "\r\nContent-Length: 1048576\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[4096]);
            out.flush();
            Waits.until(20, () -> ImageStore.admin().get("/api/images/" + id).statusCode(), c -> c == 409,
                    c -> "the image store answers " + c + " for an image being uploaded");
            admin().body(Map.of("name", name, "imageId", id, "clients", 1, "confirm", true)).post("/api/sessions")
                    .then().statusCode(409)
                    .body("message", equalTo("image " + id + " is still uploading to the image store: start the "
                            + "session once the upload is done; nothing was created"));
            admin().get("/api/sessions/{name}", name).then().statusCode(404);
        }  // the upload ends short of its length: the store keeps nothing
    }

    @Test
    void aConfirmationWithoutRulesStartsTheRun() {
        String name = Api.name("yes");
        Map<String, Object> req = new HashMap<>(Map.of("name", name, "imageId", "img-1", "confirm", true));
        // nobody waits: starting at once would image nobody, and later devices would be queued
        admin().body(req).post("/api/sessions").then().statusCode(409)
                .body("message", containsString("no device waits in session " + name))
                .body("message", containsString("nothing was created"));
        admin().get("/api/sessions/{name}", name).then().statusCode(404);

        Device a = register(name, "a");
        Device b = register(name, "b");
        assertEquals("NONE", a.registration().getString("sourceKind"));
        admin().body(req).post("/api/sessions").then().statusCode(200)
                .body("state", equalTo("STARTED")).body("sourceKind", equalTo("IMAGE"))
                .body("startReason", equalTo("started from the server by admin admin (confirmed, no clients= or time=)"))
                .body("waitingFor", nullValue());
        assertEquals("STARTED", state(b).getString("runState"));
        assertEquals("CLIENT", state(a).getString("role"));
    }

    @Test
    void statusTextsOfAServerRunNameWhatItWaitsFor() {
        String name = Api.name("texts");
        admin().body(Map.of("name", name, "imageId", "img", "clients", 3, "confirm", true)).post("/api/sessions")
                .then().statusCode(201).body("waitingFor", equalTo("waiting for 3 devices (0 registered)"));
        Device d = register(name, "d1");
        JsonPath view = state(d);
        assertEquals("waiting for 3 devices (1 registered)", view.getString("waitingFor"));
        assertEquals("registered in " + name + ", 1 registered; waiting for 3 devices (1 registered)",
                view.getString("message"));
        admin().body(Map.of("time", 30)).put("/api/sessions/{name}/rules", name).then().statusCode(200)
                .body("waitingFor", containsString("unless another device registers"))
                .body("waitingFor", not(containsString("master")));
    }

    @Test
    void theAdminChangesTheRulesOfAWaitingRun() {
        String name = Api.name("rules");
        admin().body(Map.of("name", name, "imageId", "img-7", "clients", 5, "confirm", true)).post("/api/sessions")
                .then().statusCode(201);
        register(name, "a");
        Device b = register(name, "b");
        // time= counts from the change
        admin().body(Map.of("clients", 4, "time", 10)).put("/api/sessions/{name}/rules", name).then().statusCode(200)
                .body("state", equalTo("OPEN")).body("clients", equalTo(4)).body("time", equalTo(10.0f))
                .body("startDeadline", not(nullValue()));
        assertEquals(4, state(b).getInt("clients"), "the devices see the new rules");
        // bad values, unknown fields, wrong types: 400, nothing changed
        admin().body(Map.of("clients", 0)).put("/api/sessions/{name}/rules", name).then().statusCode(400)
                .body("message", equalTo("clients must be between 1 and 10000, got 0"));
        admin().body(Map.of("time", 2000)).put("/api/sessions/{name}/rules", name).then().statusCode(400)
                .body("message", containsString("time must be between 0.001 and 1440 minutes"));
        admin().body(Map.of("client", 2)).put("/api/sessions/{name}/rules", name).then().statusCode(400)
                .body("message", containsString("unknown field 'client'"));
        admin().body("{\"clients\": \"2\"}").put("/api/sessions/{name}/rules", name).then().statusCode(400);
        admin().body("{\"clients\": 2.5}").put("/api/sessions/{name}/rules", name).then().statusCode(400);
        admin().put("/api/sessions/{name}/rules", name).then().statusCode(400);
        assertEquals(4, session(name).getInt("clients"));
        admin().body(Map.of("clients", 2)).put("/api/sessions/{name}/rules", "no-such-" + name).then().statusCode(404);
        // lowered to the number registered: the run starts
        admin().body(Map.of("clients", 2)).put("/api/sessions/{name}/rules", name).then().statusCode(200)
                .body("state", equalTo("STARTED")).body("startReason", equalTo("clients=2 reached (2 registered)"));
        // a started run's rules are history
        admin().body(Map.of("clients", 3)).put("/api/sessions/{name}/rules", name).then().statusCode(409)
                .body("message", containsString("already started"));
        admin().delete("/api/sessions/{name}", name).then().statusCode(200);
        admin().body(Map.of("clients", 3)).put("/api/sessions/{name}/rules", name).then().statusCode(409)
                .body("message", containsString("ended CANCELLED"));
    }

    @Test
    void rulesLeftOutStartAServerRunAndAreRefusedWithoutASource() {
        String name = Api.name("norules");
        admin().body(Map.of("name", name, "imageId", "img-7", "clients", 5, "confirm", true)).post("/api/sessions")
                .then().statusCode(201);
        register(name, "a");
        admin().body(Map.of()).put("/api/sessions/{name}/rules", name).then().statusCode(200)
                .body("state", equalTo("STARTED")).body("startReason", containsString("(rules removed)"));

        String bare = Api.name("bare");
        register(bare, "a");
        admin().body(Map.of("clients", 1)).put("/api/sessions/{name}/rules", bare).then().statusCode(409)
                .body("message", containsString("has no source yet"));
    }

    @Test
    void aCancelCarriesTheAdminsReason() {
        String name = Api.name("why");
        admin().body(Map.of("name", name, "imageId", "img", "clients", 2, "confirm", true)).post("/api/sessions")
                .then().statusCode(201);
        Device a = register(name, "a");
        admin().queryParam("reason", "x".repeat(201)).delete("/api/sessions/{name}", name).then().statusCode(400);
        admin().queryParam("reason", "wrong image").delete("/api/sessions/{name}", name).then().statusCode(200)
                .body("state", equalTo("CANCELLED")).body("endReason", equalTo("cancelled by admin admin: wrong image"));
        assertEquals("cancelled by admin admin: wrong image", state(a).getString("endReason"));
    }
}
