package dev.imgcast.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.registry.client.DeviceView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What img session shows, on a terminal and in plain lines, at moments a clock fixes: countdowns
 * and local times instead of the registry's instants, the keys that apply, the transfer screen.
 */
class DeviceScreenTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final String DEADLINE = "2026-12-02T15:34:38.146085Z";
    static final String WAITING = "starts at " + DEADLINE + " unless another device registers, or when 5 have registered";

    /** A clock the test moves (a JDK type: nothing of ours is faked). */
    static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(String now) {
            this.now = Instant.parse(now);
        }

        void move(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return BERLIN;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    private final MovingClock clock = new MovingClock("2026-12-02T15:30:06.5Z");

    static DeviceView view(String version, String role, String state, String runState, String source, String message,
            String waitingFor) {
        return new DeviceView(7, "t", "d", role, state, message, version, "mcast01", 11, 1, runState, "239.1.2.3", 9100,
                "AAAA", null, source, null, 5, new BigDecimal("5"), waitingFor, null, null, 2,
                List.of(new DeviceView.Peer("d2", "master-pc", "MASTER", "REGISTERED")));
    }

    static DeviceView waiting(String version) {
        return view(version, "CLIENT", "REGISTERED", "OPEN", "DEVICE", "registered in mcast01, 2 registered; " + WAITING,
                WAITING);
    }

    private DeviceScreen screen(boolean terminal) {
        return new DeviceScreen(out, clock, terminal, "mcast01", "eth0", "pc-1", "http://imaging:8081/");
    }

    private String output() {
        String s = captured.toString(StandardCharsets.UTF_8);
        captured.reset();
        return s;
    }

    @Test
    void plainLinesSayEachChangeOnceWithACountdownAndTheLocalTime() {
        DeviceScreen screen = screen(false);
        screen.show(waiting("11.3"));
        clock.move(Duration.ofSeconds(5));
        screen.show(waiting("11.3"));   // a long poll that ended unchanged
        screen.show(waiting("11.4"));   // a new version that reads the same: no new line either
        screen.notice("lost contact with session-service, retrying: down");
        screen.show(waiting("11.4"));
        screen.show(waiting("11.4"));
        assertEquals("""
                session mcast01 run 1 OPEN: this device CLIENT REGISTERED, 2 registered  clients=5  time=5; \
                starts in 4:32 (at 16:34:38 local) unless another device registers, or when 5 have registered
                lost contact with session-service, retrying: down
                """, output());
    }

    @Test
    void aViewOlderThanTheOneShownIsNotShown() {
        // img session master --go: g's view (STARTED) came before the long poll's older OPEN view
        DeviceScreen screen = screen(false);
        DeviceView open = view("11.3", "MASTER", "REGISTERED", "OPEN", "DEVICE", "master of mcast01, 1 registered; "
                + "waiting for g on the master, or a start from the server", "waiting for g on the master, or a start "
                + "from the server");
        DeviceView started = view("11.4", "MASTER", "REGISTERED", "STARTED", "DEVICE",
                "imaging started: g pressed on the master (pc-1)", null);
        screen.show(open);
        screen.notice("g: imaging starts");
        screen.show(started);
        screen.show(open);
        screen.show(started);
        String shown = output();
        assertEquals(1, count(shown, "STARTED:"), shown);
        assertEquals(1, count(shown, "run 1 OPEN:"), shown);
        assertEquals(1, count(shown, "g: imaging starts"), shown);
        assertTrue(shown.indexOf("OPEN:") < shown.indexOf("STARTED:"), shown);
        assertTrue(DeviceScreen.older(open, started));
        assertFalse(DeviceScreen.older(started, open));
        assertTrue(DeviceScreen.older(view("9.40", "CLIENT", "QUEUED", "STARTED", "DEVICE", "", null), open),
                "an earlier run is older whatever its revision");
    }

    @Test
    void theTerminalCountdownTicksWithoutANewView() {
        DeviceScreen screen = screen(true);
        screen.show(waiting("11.3"));
        String first = output();
        assertTrue(first.contains("starts in 4:32 (at 16:34:38 local) unless another device registers"), first);
        assertFalse(first.contains("2026-12-02T"), first);
        assertTrue(first.contains("keys: q = quit"), "a client is offered neither m nor g: " + first);
        clock.move(Duration.ofSeconds(3));
        screen.tick();
        String later = output();
        assertTrue(later.contains("starts in 4:29 (at 16:34:38 local)"), later);
        clock.move(Duration.ofMinutes(10));
        screen.tick();
        assertTrue(output().contains("starts in 0:00"), "never below 0:00");
    }

    @Test
    void theTransferScreenHasNoKeysNoNoticeAndNoLongerTicks() {
        DeviceScreen screen = screen(true);
        DeviceView open = view("11.3", "NONE", "REGISTERED", "OPEN", "DEVICE", "registered", WAITING);
        screen.show(open);
        screen.notice("m: the session already has a master device");
        screen.show(open);
        assertTrue(output().contains("m: the session already has a master device"));
        DeviceView started = view("11.4", "NONE", "REGISTERED", "STARTED", "DEVICE",
                "imaging started: clients=5 reached (5 registered)", null);
        screen.show(started);
        output();
        screen.transfer(started, "receives the image onto /dev/sda");
        String transfer = output();
        assertEquals("\033[H\033[2Jimgcast session mcast01   run 1   STARTED\n"
                + "this device: pc-1   role NONE   receives the image onto /dev/sda\n"
                + "imaging started: clients=5 reached (5 registered)\n\n", transfer);
        screen.tick();
        screen.show(started);
        screen.show(open);
        assertEquals("", output(), "nothing drawn over the progress");
    }

    @Test
    void mIsOfferedOnlyToADeviceThatCanBecomeTheSource() {
        String noSource = "no source yet: press m on the device whose disk is the image, or start the session from the server";
        DeviceView blank = view("11.3", "NONE", "REGISTERED", "OPEN", "NONE", "registered", noSource);
        DeviceScreen screen = screen(true);
        screen.show(blank);
        String shown = output();
        assertTrue(shown.contains("no source yet: press m to make THIS device's disk the source (the image every other "
                + "device receives), or start the session from the server with an image"), shown);
        assertTrue(shown.contains("keys: m = make THIS device's disk the source   q = quit"), shown);
        assertFalse(shown.contains("on the device to image"), shown);

        DeviceView client = view("11.3", "CLIENT", "REGISTERED", "OPEN", "NONE", "registered", noSource);
        String queuedText = "imaging of mcast01 (run 1) already started at 2026-12-02T15:28:01.5Z; this device is "
                + "queued for the next run";
        DeviceView queued = view("11.9", "NONE", "QUEUED", "STARTED", "DEVICE", queuedText, null);
        DeviceView master = view("11.3", "MASTER", "REGISTERED", "OPEN", "DEVICE", "master", "waiting for g on the "
                + "master, or a start from the server");
        for (DeviceView v : List.of(client, queued, master)) {
            assertFalse(ScreenTexts.offersMaster(v), v.toString());
            assertFalse(ScreenTexts.keys(v).contains("m ="), ScreenTexts.keys(v));
            assertFalse(ScreenTexts.status(v, clock.instant(), BERLIN).contains("press m"), v.toString());
        }
        assertEquals("no source yet: waiting for a device to become the master (m on that device), or for a start from "
                + "the server", ScreenTexts.status(client, clock.instant(), BERLIN));
        assertEquals("imaging of mcast01 (run 1) already started at 16:28:01 local (2:05 ago); this device is queued for "
                + "the next run", ScreenTexts.status(queued, clock.instant(), BERLIN));
        assertEquals("this device is queued for the next run: it receives that run's image", ScreenTexts.noMaster(queued));
        assertEquals("keys: g = start imaging   q = quit", ScreenTexts.keys(master));
        assertTrue(ScreenTexts.status(master, clock.instant(), BERLIN).startsWith("this device's disk is the source; "));
    }

    @Test
    void instantsBecomeLocalTimes() {
        Instant now = clock.instant();
        assertEquals("starts in 4:32 (at 16:34:38 local) unless another device registers",
                ScreenTexts.times("starts at " + DEADLINE + " unless another device registers", now, BERLIN, null));
        assertEquals("starts in 1:00 (at 16:34:38 local)", ScreenTexts.times("starts at " + DEADLINE, now, BERLIN,
                Duration.ofMinutes(1)), "another host's clock: never more than time= ahead");
        assertEquals("starts at 16:34:38 local", ScreenTexts.times("starts at " + DEADLINE, null, BERLIN, null));
        assertEquals("ended at 16:40:00 local (in 9:54)",
                ScreenTexts.times("ended at 2026-12-02T15:40:00Z", now, BERLIN, null));
        assertEquals("no instant here", ScreenTexts.times("no instant here", now, BERLIN, null));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
