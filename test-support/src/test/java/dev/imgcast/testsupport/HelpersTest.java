package dev.imgcast.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers that need no service: log tails, waits, test images, the lab's precondition. */
class HelpersTest {
    @TempDir
    Path work;

    @Test
    void aLogTailKeepsTheLastLinesAndSaysHowManyWentBefore() {
        assertEquals("a\nb", LogTail.of("a\nb", 5));
        assertEquals("[... 2 lines before]\nc\nd", LogTail.of("a\nb\nc\nd", 2));
    }

    @Test
    void aWaitReturnsOnceTheConditionHoldsAndFailsAfterItsBound() {
        AtomicInteger polls = new AtomicInteger();
        Waits.upToSeconds(5).until(() -> polls.incrementAndGet() >= 3);
        assertEquals(3, polls.get());
        long t = System.nanoTime();
        assertThrows(ConditionTimeoutException.class, () -> Waits.upToSeconds(1).until(() -> false));
        assertTrue(System.nanoTime() - t < 5_000_000_000L, "the bound holds");
    }

    @Test
    void anAssertionInAWaitEndsItAtOnce() {
        AssertionError e = assertThrows(AssertionError.class, () -> Waits.upToSeconds(30).until(() -> {
            throw new AssertionError("the process died");
        }));
        assertTrue(e.getMessage().contains("the process died"), e.getMessage());
    }

    @Test
    void aWaitForAValueReturnsItOrFailsWithTheLastOneSeen() throws Exception {
        AtomicInteger n = new AtomicInteger();
        assertEquals(4, Waits.until(5, n::incrementAndGet, v -> v > 3, last -> "never"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Waits.until(1, () -> "OPEN", "FINISHED"::equals, last -> "still " + last));
        assertEquals("still OPEN", e.getMessage());
        assertNull(Waits.until(1, () -> null, v -> v == null, last -> "a null value is a value"));
    }

    @Test
    void testImagesAreTheSameForTheSameSeed() throws Exception {
        Path a = Images.mixed(work.resolve("a.img"), 4, 7);
        Path b = Images.mixed(work.resolve("b.img"), 4, 7);
        Path c = Images.mixed(work.resolve("c.img"), 4, 8);
        assertEquals((4L << 20) + 12_345, Files.size(a));
        assertEquals(Images.sha256(a), Images.sha256(b));
        assertTrue(!Images.sha256(a).equals(Images.sha256(c)), "another seed, another image");
        Files.writeString(work.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Images.sha256(work.resolve("abc")));
    }

    @Test
    void theLabNeedsRoot() {
        assertNull(Lab.missing(true));
        assertEquals("the namespace lab needs root", Lab.missing(false));
    }

    @Test
    void aFreePortCanBeListenedOn() throws Exception {
        try (var s = new java.net.ServerSocket(Ports.free())) {
            assertTrue(s.getLocalPort() > 0);
        }
    }
}
