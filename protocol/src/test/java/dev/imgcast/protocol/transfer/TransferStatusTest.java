package dev.imgcast.protocol.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.imgcast.protocol.engine.ReceiverEngine;
import dev.imgcast.protocol.engine.ReceiverOutcome;
import dev.imgcast.protocol.engine.ReceiverResult;
import dev.imgcast.protocol.wire.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping from what the engines say to what session-service records. */
class TransferStatusTest {

    @Test
    void theSendersViewOfAReceiver() {
        assertEquals(TransferStatus.VERIFIED, TransferStatus.of(ReceiverOutcome.VERIFIED));
        assertEquals(TransferStatus.DROPPED, TransferStatus.of(ReceiverOutcome.DROPPED));
        assertEquals(TransferStatus.FAILED, TransferStatus.of(ReceiverOutcome.FAILED));
        assertEquals(TransferStatus.FAILED, TransferStatus.of(ReceiverOutcome.PENDING), "still pending at the end");
    }

    @Test
    void aReceiversOwnFailure() {
        assertEquals(TransferStatus.DROPPED, TransferStatus.of(ReceiverEngine.Failure.DROPPED));
        for (ReceiverEngine.Failure f : ReceiverEngine.Failure.values()) {
            if (f != ReceiverEngine.Failure.DROPPED) {
                assertEquals(TransferStatus.FAILED, TransferStatus.of(f), f.name());
            }
        }
    }

    private static SendResult send(String startReason, List<ReceiverResult> receivers, Throwable error) {
        return new SendResult(startReason, "end", receivers, "ab", 1, 1, 0, 1, 0, Map.of(), 0, error, "", "");
    }

    @Test
    void aSendingDeviceIsVerifiedWhenTheTransferRan() {
        ReceiverResult good = new ReceiverResult(1, "pc-1", "10.0.0.2", ReceiverOutcome.VERIFIED, "ab", "");
        ReceiverResult dropped = new ReceiverResult(2, "pc-2", "10.0.0.3", ReceiverOutcome.DROPPED, null, "silent");
        SendResult ran = send("2 of 2 joined", List.of(good, dropped), null);
        assertEquals(TransferStatus.VERIFIED, ran.status());
        assertEquals(1, ran.verified());
        assertFalse(ran.allVerified());
        assertTrue(send("1 of 1 joined", List.of(good), null).allVerified());
        SendResult nobody = send(null, List.of(), null);
        assertEquals(TransferStatus.FAILED, nobody.status());
        assertEquals("end", nobody.reason());
        SendResult broken = send("1 of 1 joined", List.of(good), new IllegalStateException("socket gone"));
        assertEquals(TransferStatus.FAILED, broken.status());
        assertEquals("socket gone", broken.reason());
    }

    @Test
    void rejectionsKeepTheVerdictsOrder() {
        Map<Verdict, Long> counts = new java.util.EnumMap<>(Verdict.class);
        Verdict[] all = Verdict.values();
        counts.put(all[all.length - 1], 2L);
        counts.put(all[1], 5L);
        SendResult r = new SendResult("s", "e", List.of(), "ab", 0, 0, 0, 0, 0, counts, 0, null, "", "");
        assertEquals(counts.toString(), r.rejections().toString());
    }
}
