package dev.imgcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.imgcast.events.Envelope;
import dev.imgcast.events.EventCodec;
import dev.imgcast.events.ImageDeleted;
import dev.imgcast.events.ImageEvent;
import dev.imgcast.events.ImageInfo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The embedded server's log of image events, read through the event contract. */
class ImageEventLogTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void anImageEventAsTheImageStoreSendsItBecomesOneLine() {
        ImageDeleted deleted = new ImageDeleted(new Envelope("e-1", Instant.parse("2026-12-03T07:00:00Z")),
                new ImageInfo("win11", 8192, 4096, 2, 1, SHA));
        ImageEvent read = EventCodec.decode(EventCodec.toJson(deleted), ImageEvent.class);
        assertEquals("image.deleted win11: 8192 bytes, 2 blocks of 4096 (1 zero), sha256 " + SHA
                + " (event e-1 at 2026-12-03T07:00:00Z)", ImageEventLog.line(read));
    }

    @Test
    void aMalformedOrForeignEventIsLoggedNotThrownAtTheChannel() {
        ImageEventLog log = new ImageEventLog();
        log.log("not json");
        log.log("{\"type\":\"image.stored\",\"version\":1}");
        log.log("{\"type\":\"transfer.started\",\"version\":1,\"eventId\":\"e\",\"occurredAt\":\"2026-12-03T07:00:00Z\","
                + "\"runId\":1,\"senderAddress\":\"10.0.0.1\"}");
    }
}
