package dev.imgcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.imgcast.session.model.SourceKind;
import dev.imgcast.session.rules.Limits;
import dev.imgcast.session.rules.StartRules;
import dev.imgcast.session.rules.StartRules.Facts;
import dev.imgcast.session.rules.StartRules.Start;
import dev.imgcast.session.rules.StartRules.Wait;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The start rules without a database or a clock of their own (plain JUnit). */
class StartRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static StartRules.Decision at(Instant now, SourceKind source, Integer clients, Long time, long registered) {
        return StartRules.evaluate(new Facts(source, clients, time, registered, T0), now);
    }

    @Test
    void noSourceNeverStarts() {
        Wait w = assertInstanceOf(Wait.class, at(T0.plusSeconds(3600), SourceKind.NONE, 1, 1000L, 500));
        assertEquals("no source yet: press m on the device whose disk is the image, or start the session from the server "
                + "with an image",
                w.reason());
        assertNull(w.deadline());
    }

    @Test
    void clientsStartsWhenReached() {
        assertInstanceOf(Wait.class, at(T0, SourceKind.DEVICE, 5, null, 4));
        assertEquals("clients=5 reached (5 registered)",
                assertInstanceOf(Start.class, at(T0, SourceKind.DEVICE, 5, null, 5)).reason());
        assertInstanceOf(Start.class, at(T0, SourceKind.IMAGE, 5, null, 6));
    }

    @Test
    void timeCountsFromTheLastRegistration() {
        long twentyMinutes = 20 * 60_000L;
        Wait w = assertInstanceOf(Wait.class, at(T0.plusSeconds(60), SourceKind.DEVICE, 5, twentyMinutes, 2));
        assertEquals(T0.plusSeconds(1200), w.deadline());
        assertInstanceOf(Wait.class, at(T0.plusSeconds(1199), SourceKind.DEVICE, 5, twentyMinutes, 2));
        Start s = assertInstanceOf(Start.class, at(T0.plusSeconds(1200), SourceKind.DEVICE, 5, twentyMinutes, 2));
        assertEquals("time=20 passed without a new registration (2 of 5 registered)", s.reason());
    }

    @Test
    void timeNeedsSomeoneToSendTo() {
        Wait w = assertInstanceOf(Wait.class, at(T0.plusSeconds(7200), SourceKind.DEVICE, null, 60_000L, 0));
        assertNull(w.deadline());
        assertEquals("time=1 runs once a device has registered", w.reason());
    }

    @Test
    void neitherWaitsForG() {
        Wait w = assertInstanceOf(Wait.class, at(T0.plusSeconds(99_999), SourceKind.DEVICE, null, null, 40));
        assertEquals("waiting for g on the master, or a start from the server", w.reason());
    }

    @Test
    void explicitStartNeedsASourceAndAReceiver() {
        assertEquals("the session has no source: no device is master and no image was given",
                StartRules.refuseExplicitStart(SourceKind.NONE, 3));
        assertEquals("no device has registered to receive the image yet",
                StartRules.refuseExplicitStart(SourceKind.DEVICE, 0));
        assertNull(StartRules.refuseExplicitStart(SourceKind.IMAGE, 1));
    }

    @Test
    void decimalMinutes() {
        assertEquals(3000L, Limits.timeMillis(new BigDecimal("0.05")));
        assertEquals(1_200_000L, Limits.timeMillis(new BigDecimal("20")));
        assertEquals("0.05", StartRules.minutes(3000));
        assertEquals("20", StartRules.minutes(1_200_000));
        assertThrows(IllegalArgumentException.class, () -> Limits.timeMillis(BigDecimal.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Limits.timeMillis(new BigDecimal("1440.5")));
        assertThrows(IllegalArgumentException.class, () -> Limits.clients(0));
        assertThrows(IllegalArgumentException.class, () -> Limits.clients(10_001));
        assertEquals(10_000, Limits.clients(10_000));
    }
}
