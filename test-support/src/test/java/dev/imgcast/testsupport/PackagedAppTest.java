package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against a packaged stand-in ({@link FakeApp} in a jar): no real service needed. */
class PackagedAppTest {
    @TempDir
    static Path work;
    static Path jar;

    @BeforeAll
    static void pack() throws Exception {
        jar = work.resolve("fake.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeApp.class.getName());
        String entry = FakeApp.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest);
             InputStream in = FakeApp.class.getClassLoader().getResourceAsStream(entry)) {
            jarOut.putNextEntry(new JarEntry(entry));
            in.transferTo(jarOut);
        }
    }

    @Test
    void readyWhenTheLogSaysItStartedWithItsPropertiesAndEnvironment() throws Exception {
        Path log = work.resolve("ready.log");
        try (PackagedApp app = PackagedApp.jar("fake", jar).args("ready").property("fake.property", "p1")
                .env("FAKE_ENV", "e1").jvm("-Xmx32m").log(log).start()) {
            assertTrue(app.isAlive());
            assertEquals(log, app.logFile());
            Waits.upToSeconds(10).until(() -> app.log().contains("env e1 property p1"));
            assertEquals(137, app.kill());
            assertFalse(app.isAlive());
        }
    }

    @Test
    void anAppThatExitsFailsTheStartWithTheEndOfItsLog() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PackagedApp.jar("fake", jar).args("die").log(work.resolve("die.log")).start());
        assertTrue(e.getMessage().contains("fake exited with status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom: the database is not there"), e.getMessage());
        assertFalse(e.getMessage().contains("start-up line 10\n"), "only the tail: " + e.getMessage());
    }

    @Test
    void anAppNeverReadyFailsAfterItsTimeoutAndIsStopped() throws Exception {
        AssertionError e = assertThrows(AssertionError.class, () -> PackagedApp.jar("fake", jar).args("silent")
                .timeout(Duration.ofSeconds(3)).log(work.resolve("silent.log")).start());
        assertTrue(e.getMessage().contains("fake was not ready in 3 s"), e.getMessage());
        assertTrue(e.getMessage().contains("saying nothing"), e.getMessage());
    }

    @Test
    void readyWhenItsHealthUrlAnswers() throws Exception {
        int port = Ports.free();
        try (PackagedApp app = PackagedApp.jar("fake", jar).args("http", Integer.toString(port))
                .readyWhenHealthy("http://127.0.0.1:" + port + "/q/health/ready").start()) {
            assertTrue(app.isAlive());
        }
    }

    @Test
    void aMissingJarIsNamed() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> PackagedApp.jar("nothing", work.resolve("nothing.jar")).start());
        assertTrue(e.getMessage().contains("nothing.jar is missing: build nothing first"), e.getMessage());
    }

    @Test
    void theCommandLineRunsJavaInTheNamespaceWithPropertiesBeforeTheJar() {
        PackagedApp.Builder b = PackagedApp.jar("fake", jar).namespace("iclx-s").jvm("-Xmx64m")
                .properties("a=1", "b=x=y").args("word");
        var cmd = b.command();
        assertEquals("ip netns exec iclx-s", String.join(" ", cmd.subList(0, 4)));
        assertTrue(cmd.get(4).endsWith("/bin/java"), cmd.toString());
        assertEquals("-Xmx64m -Da=1 -Db=x=y -jar " + jar.toAbsolutePath() + " word",
                String.join(" ", cmd.subList(5, cmd.size())));
    }

    @Test
    void anAppTheBuildDidNotNameIsAClearFailure() {
        AssertionError e = assertThrows(AssertionError.class, () -> PackagedApp.app("no-such-module"));
        assertTrue(e.getMessage().contains("imgcast.app.no-such-module is not set"), e.getMessage());
    }
}
