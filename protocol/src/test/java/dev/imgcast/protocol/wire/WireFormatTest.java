package dev.imgcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static final byte[] KEY = TransferKeys.random();
    private static final byte[] SALT = TransferKeys.salt();
    private final PacketCipher auth = TransferKeys.forTransfer(KEY, SALT, 0xCAFE).sender();
    private final FrameWriter writer = new FrameWriter(UnpooledByteBufAllocator.DEFAULT, auth, 0xCAFE, 42, 7);
    private static final byte[] CHALLENGE = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);
    private static final InetSocketAddress HOST = new InetSocketAddress("10.1.2.3", 40000);
    private static final byte[] SHA = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            SHA[i] = (byte) i;
        }
    }

    private ByteBuf announce() {
        ByteBuf b = writer.begin(PacketType.ANNOUNCE, 0, Announce.LENGTH);
        Announce.writeBody(b, SALT, Announce.STATE_WAITING, 1400, 1 << 20, 5_000_000_000L, 4769, 19_190, 1400, 3, HOST, 250,
                SHA);
        return writer.finish(b);
    }

    private ByteBuf data() {
        ByteBuf b = writer.begin(PacketType.DATA, 0, Data.FIXED_LENGTH + 1400);
        Data.writeFixed(b, 77, 748, 3);
        for (int i = 0; i < 1400; i++) {
            b.writeByte(i);
        }
        return writer.finish(b);
    }

    private ByteBuf status() {
        ByteBuf b = writer.begin(PacketType.STATUS, Status.FLAG_ROUND_REPORT, Status.FIXED_LENGTH + 8 + 2);
        Status.writeFixed(b, 2, 1000, 1200, 55, 9, 0, 1, 123_456, 789, 4321);
        b.writeInt(5).writeShort(16).writeShort(2).writeByte(0b101).writeByte(0x80);
        return writer.finish(b);
    }

    ByteBuf parity() {
        return RepairFramesTest.parity(writer);
    }

    ByteBuf plan() {
        return RepairFramesTest.plan(writer);
    }

    private ByteBuf join() {
        byte[] host = "lab-pc-07".getBytes(StandardCharsets.UTF_8);
        ByteBuf b = writer.begin(PacketType.JOIN, Join.FLAG_READY, Join.bodyLength(host));
        Join.writeBody(b, 14, HOST, CHALLENGE, host);
        return writer.finish(b);
    }

    private ByteBuf result() {
        byte[] message = "verified".getBytes(StandardCharsets.UTF_8);
        ByteBuf b = writer.begin(PacketType.RESULT, 0, Result.bodyLength(message));
        Result.writeBody(b, Result.VERIFIED, 123_456_789L, SHA, message);
        return writer.finish(b);
    }

    private ByteBuf drop() {
        byte[] message = "silent for 5.0 s".getBytes(StandardCharsets.UTF_8);
        ByteBuf b = writer.begin(PacketType.DROP, 0, Drop.bodyLength(message));
        Drop.writeBody(b, 42, Drop.REASON_SILENT, message);
        return writer.finish(b);
    }

    private ByteBuf manifest() {
        byte[] bytes = new byte[300];
        new Random(1).nextBytes(bytes);
        ByteBuf b = writer.begin(PacketType.MANIFEST, 0, ManifestChunk.FIXED_LENGTH + 100);
        ManifestChunk.writeBody(b, 2, 3, CHALLENGE, bytes, 200, 100);
        return writer.finish(b);
    }

    private ByteBuf fixed(PacketType type, Function<ByteBuf, ByteBuf> body, int length) {
        return writer.finish(body.apply(writer.begin(type, 0, length)));
    }

    private List<ByteBuf> everyType() {
        return List.of(announce(), manifest(), join(),
                fixed(PacketType.ACCEPT, b -> { Accept.writeBody(b, Accept.ACCEPTED, 4, CHALLENGE); return b; }, Accept.LENGTH),
                data(),
                fixed(PacketType.ROUND_END, b -> { RoundEnd.writeBody(b, 3, 900, -5, 8000, 70000, 0, 0); return b; },
                        RoundEnd.LENGTH),
                status(),
                fixed(PacketType.VERIFY, b -> { Verify.writeBody(b, 4); return b; }, Verify.LENGTH),
                result(), drop(), parity(), plan());
    }

    @Test
    void everyPacketTypeRoundTrips() {
        ByteBuf a = announce();
        assertEquals(Verdict.OK, DatagramValidator.check(a, auth));
        assertEquals(PacketType.ANNOUNCE.code(), Header.type(a));
        assertEquals(0xCAFE, Header.transferId(a));
        assertEquals(42, Header.nodeId(a));
        assertEquals(Announce.STATE_WAITING, Announce.state(a));
        assertEquals(1400, Announce.payloadSize(a));
        assertEquals(1 << 20, Announce.blockSize(a));
        assertEquals(5_000_000_000L, Announce.imageSize(a));
        assertEquals(4769, Announce.blockCount(a));
        assertEquals(19_190, Announce.manifestLength(a));
        assertEquals(1400, Announce.chunkSize(a));
        assertEquals(250, Announce.statusIntervalMillis(a));
        assertEquals(3, Announce.expectedReceivers(a));
        assertArrayEquals(SHA, Announce.sha256(a));
        assertArrayEquals(SALT, Announce.salt(a));
        assertEquals(HOST, Announce.sender(a));
        assertTrue(Announce.fromNamedSender(a, HOST));
        assertFalse(Announce.fromNamedSender(a, new InetSocketAddress("10.1.2.4", 40000)));
        assertFalse(Announce.fromNamedSender(a, new InetSocketAddress("10.1.2.3", 40001)));
        assertEquals(7, Header.packetNumber(a));

        ByteBuf d = data();
        assertEquals(Verdict.OK, DatagramValidator.check(d, auth));
        assertEquals(77, Data.block(d));
        assertEquals(748, Data.packet(d));
        assertEquals(3, Data.round(d));
        assertEquals(1400, Data.payloadLength(d));
        assertEquals((byte) 200, d.getByte(Data.payloadOffset(d) + 200));
        assertEquals(Header.LENGTH + Data.FIXED_LENGTH + 1400 + Header.TAG_LENGTH, d.readableBytes());

        ByteBuf s = status();
        assertEquals(Verdict.OK, DatagramValidator.check(s, auth));
        assertEquals(2, Status.round(s));
        assertEquals(1000, Status.received(s));
        assertEquals(1200, Status.highestSequence(s));
        assertEquals(55, Status.missing(s));
        assertEquals(9, Status.completeBlocks(s));
        assertEquals(1, Status.parts(s));
        int entry = Status.firstNak(s);
        assertEquals(5, Status.nakBlock(s, entry));
        assertEquals(16, Status.nakFirstPacket(s, entry));
        assertEquals(2, Status.nakBitmapLength(s, entry));
        assertEquals(Status.nakEnd(s), Status.nextNak(s, entry));
        assertEquals(123_456, Status.echo(s));
        assertEquals(789, Status.holdMicros(s));
        assertEquals(4321, Status.joinRttMicros(s));


        ByteBuf j = join();
        assertEquals(Verdict.OK, DatagramValidator.check(j, auth));
        assertEquals(14, Join.nextChunk(j));
        assertEquals("lab-pc-07", Join.host(j));
        assertEquals(Join.FLAG_READY, Header.flags(j));
        assertArrayEquals(CHALLENGE, Join.challenge(j));
        assertTrue(Join.fromNamedReceiver(j, HOST));
        assertFalse(Join.fromNamedReceiver(j, new InetSocketAddress("10.9.9.9", 40000)));

        ByteBuf r = result();
        assertEquals(Verdict.OK, DatagramValidator.check(r, auth));
        assertEquals(Result.VERIFIED, Result.outcome(r));
        assertEquals(123_456_789L, Result.bytesWritten(r));
        assertArrayEquals(SHA, Result.sha256(r));
        assertEquals("verified", Result.message(r));

        ByteBuf x = drop();
        assertEquals(Verdict.OK, DatagramValidator.check(x, auth));
        assertEquals(42, Drop.target(x));
        assertEquals(Drop.REASON_SILENT, Drop.reason(x));
        assertEquals("silent for 5.0 s", Drop.message(x));

        ByteBuf m = manifest();
        assertEquals(Verdict.OK, DatagramValidator.check(m, auth));
        assertEquals(2, ManifestChunk.index(m));
        assertEquals(3, ManifestChunk.count(m));
        assertEquals(100, ManifestChunk.dataLength(m));
        assertTrue(ManifestChunk.echoes(m, CHALLENGE));
        assertFalse(ManifestChunk.echoes(m, new byte[16]));

        for (ByteBuf each : everyType()) {
            assertEquals(Verdict.OK, DatagramValidator.check(each, auth), "type " + Header.type(each));
        }
    }

    @Test
    void everyTruncationOfEveryTypeIsRejectedWithoutAnException() {
        for (ByteBuf whole : everyType()) {
            for (int length = 0; length < whole.readableBytes(); length++) {
                ByteBuf cut = whole.slice(0, length);
                assertNotEquals(Verdict.OK, DatagramValidator.check(cut, auth), "length " + length);
            }
        }
    }

    @Test
    void oversizedAndPaddedDatagramsAreRejected() {
        ByteBuf padded = Unpooled.buffer().writeBytes(data()).writeByte(0);
        assertEquals(Verdict.BAD_LENGTH, DatagramValidator.check(padded, auth));
        ByteBuf huge = Unpooled.buffer(Header.MAX_DATAGRAM + 1).writeZero(Header.MAX_DATAGRAM + 1);
        assertEquals(Verdict.TOO_LONG, DatagramValidator.check(huge, auth));
    }

    @Test
    void everySingleBitFlipIsCaught() {
        ByteBuf original = status();
        for (int bit = 0; bit < original.readableBytes() * 8; bit++) {
            ByteBuf copy = Unpooled.copiedBuffer(original);
            int index = bit / 8;
            copy.setByte(index, copy.getByte(index) ^ (1 << (bit % 8)));
            ByteBuf before = Unpooled.copiedBuffer(copy);
            assertNotEquals(Verdict.OK, DatagramValidator.check(copy, auth), "bit " + bit);
            assertEquals(before, copy, "a refused datagram is left as it arrived (bit " + bit + ")");
        }
    }

    @Test
    void aPacketSignedWithAnotherKeyIsForged() {
        FrameWriter other = new FrameWriter(UnpooledByteBufAllocator.DEFAULT,
                TransferKeys.forTransfer(TransferKeys.random(), SALT, 0xCAFE).sender(), 0xCAFE, 0, 0);
        ByteBuf b = other.begin(PacketType.VERIFY, 0, Verify.LENGTH);
        Verify.writeBody(b, 1);
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(other.finish(b), auth));
    }

    @Test
    void headerDefectsAreNamed() {
        ByteBuf magic = Unpooled.copiedBuffer(data());
        magic.setInt(0, 0x12345678);
        assertEquals(Verdict.BAD_MAGIC, DatagramValidator.check(magic, auth));
        ByteBuf version = Unpooled.copiedBuffer(data());
        version.setByte(Header.VERSION_OFFSET, 4);
        assertEquals(Verdict.BAD_VERSION, DatagramValidator.check(version, auth));
        for (int older = 1; older < Header.VERSION; older++) {
            ByteBuf old = Unpooled.copiedBuffer(data());
            old.setByte(Header.VERSION_OFFSET, older);
            assertEquals(Verdict.OLD_VERSION, DatagramValidator.check(old, auth), "version " + older);
        }
        ByteBuf type = Unpooled.copiedBuffer(data());
        type.setByte(Header.TYPE_OFFSET, 99);
        assertEquals(Verdict.UNKNOWN_TYPE, DatagramValidator.check(type, auth));
        ByteBuf length = Unpooled.copiedBuffer(data());
        length.setShort(Header.BODY_LENGTH_OFFSET, 12);
        assertEquals(Verdict.BAD_LENGTH, DatagramValidator.check(length, auth));
    }

    @Test
    void aSignedStatusWhoseNakEntriesOverrunTheBodyIsMalformed() {
        ByteBuf b = writer.begin(PacketType.STATUS, 0, Status.FIXED_LENGTH + 8);
        Status.writeFixed(b, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0);
        b.writeInt(1).writeShort(0).writeShort(500); // claims 500 bitmap bytes, has none
        assertEquals(Verdict.BAD_LENGTH, DatagramValidator.check(writer.finish(b), auth));
    }

    @Test
    void randomDatagramsNeverPassAndNeverThrow() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(1600)];
            random.nextBytes(junk);
            if (junk.length >= 6 && random.nextBoolean()) {
                // Make it look like ours up to the type, so the deeper checks run too.
                junk[0] = 0x49;
                junk[1] = 0x4D;
                junk[2] = 0x47;
                junk[3] = 0x43;
                junk[4] = 2;
                junk[5] = (byte) (1 + random.nextInt(10));
            }
            assertNotEquals(Verdict.OK, DatagramValidator.check(Unpooled.wrappedBuffer(junk), auth));
        }
    }

    @Test
    void dataSequenceCountsDataPacketsOnly() {
        FrameWriter w = new FrameWriter(UnpooledByteBufAllocator.DEFAULT, auth, 1, 0, 0);
        ByteBuf first = w.finish(w.begin(PacketType.DATA, 0, Data.FIXED_LENGTH + 1).writeZero(9));
        ByteBuf control = w.begin(PacketType.VERIFY, 0, Verify.LENGTH);
        Verify.writeBody(control, 1);
        w.finish(control);
        ByteBuf second = w.finish(w.begin(PacketType.DATA, 0, Data.FIXED_LENGTH + 1).writeZero(9));
        assertEquals(0, Header.sequence(first));
        assertEquals(1, Header.sequence(control));
        assertEquals(1, Header.sequence(second));
    }

    @Test
    void theBodyIsEncryptedAndOnlyTheSaltTravelsInClear() {
        ByteBuf d = data();
        byte[] payload = new byte[1400];
        d.getBytes(Data.payloadOffset(d), payload);
        int same = 0;
        for (int i = 0; i < payload.length; i++) {
            same += payload[i] == (byte) i ? 1 : 0;
        }
        assertTrue(same < 40, same + " of 1400 payload bytes readable before decryption");
        ByteBuf a = announce();
        assertArrayEquals(SALT, Announce.salt(a));
        assertNotEquals(5_000_000_000L, Announce.imageSize(a));
        assertEquals(Verdict.OK, DatagramValidator.check(a, auth));
        assertEquals(5_000_000_000L, Announce.imageSize(a));
    }

    @Test
    void theSaltAndTheHeaderAreAuthenticated() {
        ByteBuf a = announce();
        ByteBuf salted = Unpooled.copiedBuffer(a);
        salted.setByte(Header.LENGTH, salted.getByte(Header.LENGTH) ^ 1);
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(salted, auth));
        ByteBuf renumbered = Unpooled.copiedBuffer(a);
        renumbered.setLong(Header.PACKET_NUMBER_OFFSET, 8);
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(renumbered, auth));
    }

    @Test
    void eachTransferAndDirectionHasItsOwnKey() {
        ByteBuf d = data();
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(Unpooled.copiedBuffer(d),
                TransferKeys.forTransfer(KEY, SALT, 0xCAFE).receivers()));
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(Unpooled.copiedBuffer(d),
                TransferKeys.forTransfer(KEY, TransferKeys.salt(), 0xCAFE).sender()));
        assertEquals(Verdict.BAD_TAG, DatagramValidator.check(Unpooled.copiedBuffer(d),
                TransferKeys.forTransfer(KEY, SALT, 0xCAFF).sender()));
        assertEquals(Verdict.OK, DatagramValidator.check(Unpooled.copiedBuffer(d),
                TransferKeys.forTransfer(KEY, SALT, 0xCAFE).sender()));
    }

    @Test
    void theReplayWindowRefusesWhatItSawAndWhatIsTooOld() {
        ReplayWindow window = new ReplayWindow();
        assertTrue(window.accept(5));
        assertFalse(window.accept(5));
        assertTrue(window.accept(3));
        assertFalse(window.accept(3));
        assertTrue(window.accept(4));
        assertTrue(window.accept(100_000));
        assertFalse(window.accept(100_000 - ReplayWindow.SIZE));
        assertTrue(window.accept(100_000 - ReplayWindow.SIZE + 1));
        assertFalse(window.accept(100_000 - ReplayWindow.SIZE + 1));
        assertFalse(window.accept(-1));
        for (long n = 100_001; n < 120_000; n++) {
            assertTrue(window.accept(n));
        }
        assertFalse(window.accept(119_999));
    }

    @Test
    void keyFilesAndPassphrasesGiveMasterKeys() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("keys");
        byte[] key = TransferKeys.random();
        java.nio.file.Path hex = java.nio.file.Files.writeString(dir.resolve("hex"), java.util.HexFormat.of().formatHex(key) + "\n");
        java.nio.file.Path b64 = java.nio.file.Files.writeString(dir.resolve("b64"), java.util.Base64.getEncoder().encodeToString(key));
        java.nio.file.Path raw = java.nio.file.Files.write(dir.resolve("raw"), key);
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad"), "password123");
        assertArrayEquals(key, TransferKeys.fromKeyFile(hex));
        assertArrayEquals(key, TransferKeys.fromKeyFile(b64));
        assertArrayEquals(key, TransferKeys.fromKeyFile(raw));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TransferKeys.fromKeyFile(bad));
        assertTrue(e.getMessage().contains("32 random bytes"), e.getMessage());
        assertThrows(() -> TransferKeys.fromKeyFile(dir.resolve("missing")), "cannot read");
        assertArrayEquals(TransferKeys.fromPassphrase("a b c", "lab"), TransferKeys.fromPassphrase("a b c", "lab"));
        assertArrayEquals(TransferKeys.fromSessionName("lab"), TransferKeys.fromSessionName("lab"));
        assertFalse(java.util.Arrays.equals(TransferKeys.fromSessionName("lab"), TransferKeys.fromSessionName("lab2")));
        assertFalse(java.util.Arrays.equals(TransferKeys.fromSessionName("lab"), TransferKeys.fromPassphrase("lab", "lab")));
        assertFalse(java.util.Arrays.equals(TransferKeys.fromPassphrase("a b c", "lab"),
                TransferKeys.fromPassphrase("a b c", "lab2")));
    }

    private static void assertThrows(org.junit.jupiter.api.function.Executable call, String text) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
