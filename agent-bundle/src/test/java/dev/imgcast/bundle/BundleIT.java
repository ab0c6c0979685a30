package dev.imgcast.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle as a device gets it, without the namespace lab: it runs with no java on PATH and a
 * bogus JAVA_HOME, its runtime is the trimmed one it carries, its AOT cache is used (also after
 * the tarball is unpacked elsewhere and img is called through a symlink), a cache that cannot be
 * used costs only time, and one older than the jar is not used. The transfer is
 * {@link BundleTransferIT}.
 */
class BundleIT {
    private static final String VERSION = "img 0.1.0 (imgcast wire format v3)\n";
    private static final Path IMG = Bundle.DIR.resolve("bin/img");

    @TempDir
    Path work;

    @Test
    void versionHelpAndUsageRunWithoutAnyJavaOnThePathOrInJavaHome() throws Exception {
        Bundle.Run version = Bundle.run(work, Bundle.NO_JAVA, IMG.toString(), "--version");
        assertEquals(0, version.exit(), version.describe());
        assertEquals(VERSION, version.out(), version.describe());
        // nothing from the JVM either: no warning about native access or Unsafe, no refused cache
        assertEquals("", version.err(), version.describe());

        Bundle.Run help = Bundle.run(work, Bundle.NO_JAVA, IMG.toString(), "--help");
        assertEquals(0, help.exit(), help.describe());
        assertTrue(help.out().contains("Usage: img") && help.out().contains("receive") && help.out().contains("Exit codes"),
                help.describe());

        Bundle.Run usage = Bundle.run(work, Bundle.NO_JAVA, IMG.toString(), "send");
        assertEquals(2, usage.exit(), usage.describe());
        assertTrue(usage.err().contains("img: Missing required"), usage.describe());
    }

    @Test
    void theRuntimeIsTheTrimmedJdk25ItCarries() throws Exception {
        Path runtime = Bundle.DIR.resolve("runtime");
        Bundle.Run modules = Bundle.run(work, Bundle.NO_JAVA, runtime.resolve("bin/java").toString(), "--list-modules");
        assertEquals(0, modules.exit(), modules.describe());
        Set<String> names = new TreeSet<>();
        for (String line : modules.out().split("\n")) {
            names.add(line.split("@")[0]);
        }
        assertTrue(names.containsAll(List.of("java.base", "java.logging", "java.naming", "java.net.http", "jdk.unsupported",
                "jdk.net")), names.toString());
        assertFalse(names.contains("java.desktop") || names.contains("jdk.compiler") || names.contains("java.sql")
                || names.contains("jdk.jshell"), "only what img needs: " + names);
        assertTrue(names.size() <= 10, names.toString());
        assertTrue(Files.readString(runtime.resolve("release")).contains("JAVA_VERSION=\"25"));
        assertFalse(Files.exists(runtime.resolve("include")), "--no-header-files");
        assertFalse(Files.exists(runtime.resolve("man")), "--no-man-pages");
        assertArrayEquals(Files.readAllBytes(Path.of(System.getProperty("imgcast.jar"))),
                Files.readAllBytes(Bundle.DIR.resolve("lib/img.jar")), "lib/img.jar is client-agent's img.jar");
    }

    @Test
    void theLauncherGivesImgTheJvmSettingsOfClientAgentsLauncher() throws Exception {
        String clientAgent = Files.readString(Path.of(System.getProperty("imgcast.img")));
        String start = "${IMG_JAVA_OPTS:-";
        int from = clientAgent.indexOf(start);
        assertTrue(from >= 0, "client-agent/img sets its JVM options as ${IMG_JAVA_OPTS:-...}");
        String options = clientAgent.substring(from, clientAgent.indexOf('}', from) + 1);
        String launcher = Files.readString(IMG);
        assertTrue(launcher.contains(options), "bin/img must use " + options + ":\n" + launcher);
        assertTrue(launcher.startsWith("#!/bin/sh\n"), "a POSIX sh launcher");
        assertTrue(Files.isExecutable(IMG));
    }

    @Test
    void theUnpackedTarballRunsFromAnywhereThroughASymlinkAndUsesItsCache() throws Exception {
        Path home = Bundle.unpack(work.resolve("opt with space"));
        // a device links img into its PATH; readlink is the only tool the launcher then needs
        Path links = Files.createDirectories(work.resolve("links"));
        Files.createSymbolicLink(links.resolve("img"), home.resolve("bin/img"));
        Path tools = Files.createDirectories(work.resolve("tools"));
        Path readlink = Files.exists(Path.of("/usr/bin/readlink")) ? Path.of("/usr/bin/readlink") : Path.of("/bin/readlink");
        Files.createSymbolicLink(tools.resolve("readlink"), readlink);

        Path withCache = work.resolve("with-cache.log");
        Bundle.Run run = Bundle.run(work, env(tools, withCache, null), links.resolve("img").toString(), "--version");
        assertEquals(0, run.exit(), run.describe());
        assertEquals(VERSION, run.out(), run.describe());
        String loaded = Files.readString(withCache);
        assertTrue(loaded.contains("dev.imgcast.agent.Img source: shared objects file"),
                "img's main class must come from the AOT cache:\n" + tail(loaded));

        Path withoutCache = work.resolve("without-cache.log");
        run = Bundle.run(work, env(tools, withoutCache, "0"), links.resolve("img").toString(), "--version");
        assertEquals(0, run.exit(), run.describe());
        assertTrue(Files.readString(withoutCache).contains("dev.imgcast.agent.Img source: file:"
                + home.resolve("lib/img.jar").toUri().getRawPath()),
                "IMG_AOT=0 loads img from the bundle's jar:\n" + tail(Files.readString(withoutCache)));
    }

    @Test
    void aCacheTheJvmCannotUseOnlyCostsTime() throws Exception {
        Path home = Bundle.unpack(work.resolve("damaged"));
        Files.writeString(home.resolve("lib/img.aot"), "not an AOT cache");
        Bundle.Run run = Bundle.run(work, Bundle.NO_JAVA, home.resolve("bin/img").toString(), "--version");
        assertEquals(0, run.exit(), run.describe());
        assertEquals(VERSION, run.out(), "the JVM's complaint goes to stderr, img's output stays clean: " + run.describe());
        assertTrue(run.err().contains("AOT cache"), run.describe());

        Files.delete(home.resolve("lib/img.aot"));
        run = Bundle.run(work, Bundle.NO_JAVA, home.resolve("bin/img").toString(), "--version");
        assertEquals(0, run.exit(), run.describe());
        assertEquals(VERSION, run.out(), run.describe());
    }

    @Test
    void aJarNewerThanItsCacheRunsItsOwnClassesNotTheCachedOnes() throws Exception {
        Path home = Bundle.unpack(work.resolve("replaced"));
        Path jar = home.resolve("lib/img.jar");
        // another build of img: the same jar with Img's version text changed (same length)
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Path img = zip.getPath("dev/imgcast/agent/Img.class");
            String bytes = new String(Files.readAllBytes(img), StandardCharsets.ISO_8859_1);
            assertTrue(bytes.contains("imgcast wire format v3"));
            Files.write(img, bytes.replace("imgcast wire format v3", "imgcast wire format v9").getBytes(StandardCharsets.ISO_8859_1));
        }
        assertTrue(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(home.resolve("lib/img.aot"))) > 0);
        // JDK 25.0.3 would take Img from the cache, unchanged (JDK-8377932): the launcher must not offer it
        Bundle.Run run = Bundle.run(work, Bundle.NO_JAVA, home.resolve("bin/img").toString(), "--version");
        assertEquals(0, run.exit(), run.describe());
        assertEquals("img 0.1.0 (imgcast wire format v9)\n", run.out(), run.describe());
        assertTrue(run.err().contains("newer than its AOT cache"), run.describe());
    }

    /** No java anywhere; PATH has readlink only; the class loading logged to {@code log}. */
    private static Map<String, String> env(Path tools, Path log, String aot) throws Exception {
        Map<String, String> env = new HashMap<>(Bundle.NO_JAVA);
        env.put("PATH", tools.toString());
        String launcher = Files.readString(IMG);
        int from = launcher.indexOf("${IMG_JAVA_OPTS:-") + "${IMG_JAVA_OPTS:-".length();
        env.put("IMG_JAVA_OPTS", launcher.substring(from, launcher.indexOf('}', from)) + " -Xlog:class+load=info:file=" + log);
        if (aot != null) {
            env.put("IMG_AOT", aot);
        }
        return env;
    }

    private static String tail(String log) {
        return log.length() < 3000 ? log : log.substring(log.length() - 3000);
    }
}
