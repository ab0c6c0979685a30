package dev.imgcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The frames of parity repair: PARITY, PLAN, and the round-trip fields of ROUND_END and STATUS. */
class RepairFramesTest {
    private final PacketCipher auth = TransferKeys.forTransfer(TransferKeys.random(), TransferKeys.salt(), 0xBEEF).sender();
    private final FrameWriter writer = new FrameWriter(UnpooledByteBufAllocator.DEFAULT, auth, 0xBEEF, 0, 1);

    static ByteBuf parity(FrameWriter writer) {
        ByteBuf b = writer.begin(PacketType.PARITY, 0, Parity.FIXED_LENGTH + 1400);
        Parity.writeFixed(b, 77, 5, 130, 4);
        for (int i = 0; i < 1400; i++) {
            b.writeByte(i * 3);
        }
        return writer.finish(b);
    }

    static ByteBuf plan(FrameWriter writer) {
        ByteBuf b = writer.begin(PacketType.PLAN, 0, Plan.FIXED_LENGTH + Plan.ENTRY_FIXED_LENGTH + 3);
        Plan.writeFixed(b, 4);
        Plan.writeEntry(b, 9, 2, new byte[] {0, 5, (byte) 200, 1}, 1, 3);
        return writer.finish(b);
    }

    @Test
    void parityPlanAndRoundEndRoundTrip() {
        ByteBuf p = parity(writer);
        assertEquals(Verdict.OK, DatagramValidator.check(p, auth));
        assertEquals(77, Parity.block(p));
        assertEquals(5, Parity.group(p));
        assertEquals(130, Parity.index(p));
        assertEquals(4, Parity.round(p));
        assertEquals(1400, Parity.payloadLength(p));
        assertEquals((byte) 600, p.getByte(Parity.payloadOffset(p) + 200));

        ByteBuf plan = plan(writer);
        assertEquals(Verdict.OK, DatagramValidator.check(plan, auth));
        assertEquals(4, Plan.round(plan));
        int first = Plan.firstEntry(plan);
        assertEquals(9, Plan.entryBlock(plan, first));
        assertEquals(2, Plan.entryFirstGroup(plan, first));
        assertEquals(3, Plan.entryCount(plan, first));
        assertEquals(5, Plan.entrySymbols(plan, first, 0));
        assertEquals(200, Plan.entrySymbols(plan, first, 1));
        assertEquals(Plan.end(plan), Plan.nextEntry(plan, first));

        ByteBuf r = writer.begin(PacketType.ROUND_END, 0, RoundEnd.LENGTH);
        RoundEnd.writeBody(r, 3, 900, -5, 8000, 70000, 12_000, 90);
        r = writer.finish(r);
        assertEquals(Verdict.OK, DatagramValidator.check(r, auth));
        assertEquals(3, RoundEnd.round(r));
        assertEquals(900, RoundEnd.packets(r));
        assertEquals(-5, RoundEnd.clockMicros(r));
        assertEquals(8000, RoundEnd.windowMicros(r));
        assertEquals(0xFFFF, RoundEnd.receivers(r), "more receivers than 65535 are said as 65535");
        assertEquals(12_000, RoundEnd.floorLossPpm(r));
        assertEquals(90, RoundEnd.floorTolerancePpb(r));
    }

    @Test
    void aSignedPlanWhoseEntriesOverrunTheBodyIsMalformed() {
        ByteBuf b = writer.begin(PacketType.PLAN, 0, Plan.FIXED_LENGTH + Plan.ENTRY_FIXED_LENGTH + 1);
        Plan.writeFixed(b, 1);
        b.writeInt(3).writeByte(0).writeByte(9).writeByte(1); // claims 9 groups, has 1
        assertEquals(Verdict.BAD_LENGTH, DatagramValidator.check(writer.finish(b), auth));
        ByteBuf empty = writer.begin(PacketType.PARITY, 0, Parity.FIXED_LENGTH);
        Parity.writeFixed(empty, 1, 0, 0, 1);
        assertEquals(Verdict.BAD_LENGTH, DatagramValidator.check(writer.finish(empty), auth), "a parity symbol of no bytes");
    }
}
