package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.ImageTarget;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.PacketBitmap;
import dev.imgcast.protocol.image.Sizes;
import dev.imgcast.protocol.wire.Accept;
import dev.imgcast.protocol.wire.Announce;
import dev.imgcast.protocol.wire.Data;
import dev.imgcast.protocol.wire.DatagramValidator;
import dev.imgcast.protocol.wire.Drop;
import dev.imgcast.protocol.wire.FrameWriter;
import dev.imgcast.protocol.wire.Header;
import dev.imgcast.protocol.wire.Join;
import dev.imgcast.protocol.wire.ManifestChunk;
import dev.imgcast.protocol.wire.PacketCounters;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.Parity;
import dev.imgcast.protocol.wire.Plan;
import dev.imgcast.protocol.wire.ReplayWindow;
import dev.imgcast.protocol.wire.Result;
import dev.imgcast.protocol.wire.RoundEnd;
import dev.imgcast.protocol.wire.Status;
import dev.imgcast.protocol.wire.TransferKeys;
import dev.imgcast.protocol.wire.Verdict;
import dev.imgcast.protocol.wire.Verify;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The receiver side of a transfer, as a state machine without sockets (see {@link SenderEngine}
 * for the rounds). Packets are gathered per block in a small window and written at their offset
 * ({@link BlockAssembler}); memory is one bit per packet plus the window and two block buffers,
 * whatever the image size. A block is checked against its
 * CRC32C when its last packet arrives; the SHA-256 is computed over what was written, read back.
 *
 * <p>Single-threaded: call every method from the same thread.
 *
 * <p>Why one class of about 1,100 lines: every transition (join, data, round end, verify) reads and
 * writes the same state (the packet bitmap, the block window, the target, the counters), and it
 * is safer to change as one readable state machine than spread over files that share fields.
 * What stands alone is already its own class: the codecs ({@code wire/}), the
 * {@link BlockAssembler}, the {@link GroupRebuilder} (parity kept and rebuilt), the
 * {@code PacketBitmap}, the target and the outbox. The round report (needs per group, PLAN and
 * floor, the wait) is the next candidate to stand alone.
 */
public final class ReceiverEngine implements TransferEngine {

    public enum State {
        /** Waiting to hear a sender announce a transfer that has not started. */
        LISTENING,
        /** Registering and fetching the manifest. */
        JOINING,
        /** Accepted; the target is prepared; waiting for data. */
        READY,
        /** Data flowing. */
        RECEIVING,
        /** Everything received; reading back and hashing. */
        VERIFYING,
        /** Result sent; waiting for the sender to confirm it. */
        REPORTING,
        /** Over, verified or failed: see {@link #verified()} and {@link #failure()}. */
        DONE
    }

    /** Why a receiver failed, so the command can map it to an exit code. */
    public enum Failure {
        NONE,
        /** No sender heard, the sender fell silent, or the sender announced something unusable. */
        NETWORK,
        /** The target is unusable: too small, not writable, disk full. */
        TARGET,
        /** The sender dropped this receiver or ended the transfer. */
        DROPPED,
        /** The written image does not match. */
        VERIFICATION
    }

    static final long JOIN_INTERVAL = 100_000_000L;
    static final long STATUS_INTERVAL = 100_000_000L;
    static final long REPORT_MIN_INTERVAL = 20_000_000L;
    static final long RESULT_INTERVAL = 50_000_000L;
    static final long RESULT_PATIENCE = 3_000_000_000L;
    /** How long a receiver that still misses packets answers VERIFY with reports before it gives up. */
    static final long VERIFY_PATIENCE = 10_000_000_000L;
    static final int MAX_MANIFEST = 256 << 20;
    static final int HASH_BLOCKS_PER_POLL_RECEIVING = 2;
    static final int HASH_BLOCKS_PER_COMPLETION = 4;
    /** Blocks gathered in memory before they are written (16 MiB at 1 MiB blocks). */
    static final int ASSEMBLY_SLOTS = 16;
    static final int HASH_BLOCKS_PER_POLL_VERIFYING = 16;
    /** Blocks a resumed receiver reads from its target per poll to see whether they already hold the image. */
    static final int RESUME_BLOCKS_PER_POLL = 4;
    /** A sender that announces but answers none of our JOINs for this long is not taken (a replay). */
    static final long JOIN_PATIENCE = 5_000_000_000L;
    /** How long only an older wire format may be heard before the receiver says so and gives up. */
    static final long OLD_VERSION_PATIENCE = 2_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImageTarget target;
    private final byte[] masterKey;
    private final Map<String, TransferKeys.Ciphers> keyCache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TransferKeys.Ciphers> eldest) {
            return size() > 16;
        }
    };
    private final ByteBufAllocator allocator;
    private final int nodeId;
    private final byte[] host;
    private final long listenTimeout;
    private final long senderTimeout;
    private final Consumer<String> log;
    private final PacketCounters counters = new PacketCounters();
    /** Transfers not to join again, by {@link #keyId}: salt and transfer id. */
    private final Set<String> refusedTransfers = new HashSet<>();
    private final List<ByteBuf> toSender = new ArrayList<>();

    private State state = State.LISTENING;
    private Failure failure = Failure.NONE;
    private String message = "";
    private boolean verified;
    private long createdAt = -1;

    private InetSocketAddress local;
    private InetAddress expectedSender;
    private InetSocketAddress oldVersionFrom;
    private long oldVersionSince;
    private int oldVersion;
    private final java.util.Set<InetSocketAddress> warned = new java.util.HashSet<>();
    private TransferKeys.Ciphers ciphers;
    private ReplayWindow senderWindow;
    private final byte[] challenge = new byte[Join.CHALLENGE_LENGTH];
    private long joinedAt;
    private boolean answered;
    private FrameWriter writer;
    private int transferId;
    private String transferKeyId;
    private InetSocketAddress sender;
    private long lastHeardFromSender;
    private int payloadSize;
    private long announcedSize;
    private int announcedBlockSize;
    private byte[] announcedSha;
    private byte[] manifestBytes;
    private BitSet manifestChunks;
    private int chunkCount;
    private int chunkSize;
    private int requestedUpTo;
    private long nextJoinAt;
    private boolean ready;

    private Manifest manifest;
    private ImageLayout layout;
    private PacketBitmap have;
    private int[] blockReceived;
    private BitSet completeBlocks;
    private long nonZeroPackets;
    private long uniqueReceived;
    private long uniqueBytes;
    private int dataReceived;
    private int highestSequence;
    private long duplicates;
    private long outOfRange;
    private long crcFailures;
    private long inflateFailures;
    private BlockInflater inflater;
    private java.util.concurrent.Executor inflateExecutor;
    private int round;
    private int lastReportRound = -1;
    private long lastReportAt;
    private long nextStatusAt;
    private long statusInterval = STATUS_INTERVAL;
    private PacketGroups groups;
    private GroupRebuilder rebuilder;
    private byte[] planned;
    private final BitSet plannedSlots = new BitSet();
    private int plannedRound = -1;
    private long lastJoinAt;
    private long verifyWhileMissingSince;
    private long joinRtt;
    private RepairFloor floor = RepairFloor.NONE;
    private int reportDueRound = -1;
    private long reportDueAt;
    private int roundEndClock;
    private long roundEndHeardAt;

    private ByteBuffer blockBuffer;
    private BlockAssembler assembler;
    private ByteBuffer zeros;
    private MessageDigest sha;
    private int hashCursor;
    private byte[] writtenSha = new byte[32];
    private boolean deviceVerify;
    private boolean forcedForVerify;
    private int resumeCursor = -1;
    private long reusedPackets;
    private long reusedBytes;
    private long reusedStoredBytes;
    private long resultSentAt;
    private long nextResultAt;

    public ReceiverEngine(ImageTarget target, byte[] key, int nodeId, String host, long listenTimeoutNanos,
            long senderTimeoutNanos, ByteBufAllocator allocator, Consumer<String> log) {
        if (nodeId == 0) {
            throw new IllegalArgumentException("node id 0 is the sender's");
        }
        this.target = target;
        if (key == null || key.length != TransferKeys.MASTER_LENGTH) {
            throw new IllegalArgumentException("a transfer key is " + TransferKeys.MASTER_LENGTH + " bytes");
        }
        this.masterKey = key.clone();
        this.allocator = allocator;
        this.nodeId = nodeId;
        this.host = host.getBytes(StandardCharsets.UTF_8);
        this.listenTimeout = listenTimeoutNanos;
        this.senderTimeout = senderTimeoutNanos;
        this.log = log;
    }

    // ------------------------------------------------------------------ inbound

    /** The address and port of this receiver's unicast socket: named in its JOIN. */
    @Override
    public void bind(InetSocketAddress self) {
        this.local = self;
    }

    /** Takes as sender only a host with this address (a session's sender, as the registry gives it). */
    public void expectSender(InetAddress address) {
        this.expectedSender = address;
    }

    /** Handles one received datagram (its readable bytes). Never throws for bad input. */
    @Override
    public boolean onDatagram(ByteBuf in, InetSocketAddress from, long now) {
        Verdict verdict = DatagramValidator.frame(in);
        if (verdict == Verdict.OLD_VERSION && oldVersionFrom == null) {
            oldVersionFrom = from;
            oldVersionSince = now;
            oldVersion = Header.version(in);
            log.accept("heard imgcast wire format v" + oldVersion + " from " + from.getAddress().getHostAddress()
                    + " (an older img); this img speaks v" + Header.VERSION);
        }
        if (verdict == Verdict.OK && Header.nodeId(in) != 0) {
            verdict = Verdict.OTHER_TRANSFER; // another receiver's report (a unicast we should not see): not ours
        }
        if (verdict != Verdict.OK) {
            counters.count(verdict);
            return false;
        }
        State before = state;
        PacketType type = PacketType.of(Header.type(in));
        int transfer = Header.transferId(in);
        if (writer == null || transfer != transferId) {
            if (type == PacketType.ANNOUNCE && state == State.LISTENING && !refusedTransfers.contains(keyId(in, transfer))) {
                TransferKeys.Ciphers candidate = keysFor(in, transfer);
                verdict = DatagramValidator.open(in, candidate.sender());
                if (verdict == Verdict.OK && (!Announce.fromNamedSender(in, from)
                        || expectedSender != null && !expectedSender.equals(from.getAddress()))) {
                    verdict = Verdict.WRONG_ADDRESS;
                    if (warned.add(from)) {
                        log.accept("ignoring announcements from " + from.getAddress().getHostAddress() + " (the sender"
                                + " is " + Announce.sender(in).getAddress().getHostAddress()
                                + (expectedSender != null ? ", the registry names " + expectedSender.getHostAddress() : "")
                                + ")");
                    }
                }
                counters.count(verdict);
                if (verdict == Verdict.OK) {
                    onFirstAnnounce(in, transfer, from, now, candidate);
                }
            } else {
                counters.count(Verdict.OTHER_TRANSFER);
            }
            return state != before;
        }
        verdict = from.equals(sender) ? DatagramValidator.open(in, ciphers.sender()) : Verdict.WRONG_ADDRESS;
        if (verdict == Verdict.OK && !senderWindow.accept(Header.packetNumber(in))) {
            verdict = Verdict.REPLAYED;
        }
        if (verdict == Verdict.OK && (type == PacketType.MANIFEST && !ManifestChunk.echoes(in, challenge)
                || type == PacketType.ACCEPT && !Accept.echoes(in, challenge))) {
            verdict = Verdict.REPLAYED; // an answer to a JOIN we did not send: a recording
        }
        counters.count(verdict);
        if (verdict != Verdict.OK) {
            return false;
        }
        if (type == PacketType.MANIFEST || type == PacketType.ACCEPT) {
            answered = true;
        }
        lastHeardFromSender = now;
        switch (type) {
            case DATA -> onData(in, now);
            case PARITY -> onParity(in);
            case PLAN -> onPlan(in);
            case MANIFEST -> onManifestChunk(in, now);
            case ACCEPT -> onAccept(in, now);
            case ROUND_END -> onRoundEnd(in, now);
            case VERIFY -> onVerify(in, now);
            case DROP -> onDrop(in);
            case ANNOUNCE -> onAnnounce(in);
            default -> {
                // receiver-to-sender types: not for us
            }
        }
        return state != before || !toSender.isEmpty() || (state == State.JOINING && nextJoinAt <= now);
    }

    private TransferKeys.Ciphers keysFor(ByteBuf announce, int transfer) {
        byte[] salt = Announce.salt(announce);
        return keyCache.computeIfAbsent(keyId(announce, transfer), k -> TransferKeys.forTransfer(masterKey, salt,
                transfer));
    }

    /** What tells transfers apart for this receiver: the announced salt (in clear) and the transfer id. */
    private static String keyId(ByteBuf announce, int transfer) {
        return HexFormat.of().formatHex(Announce.salt(announce)) + "/" + Integer.toHexString(transfer);
    }

    private void onFirstAnnounce(ByteBuf in, int transfer, InetSocketAddress from, long now,
            TransferKeys.Ciphers keys) {
        if (Announce.state(in) != Announce.STATE_WAITING) {
            // The sender takes back a receiver of this transfer that restarted (same host, same
            // address) and refuses anyone else; its answer to our JOIN says which we are.
            log.accept("a transfer is already under way on this group; asking whether this receiver is one of it");
        }
        int chunks;
        try {
            new ImageLayout(Announce.imageSize(in), Announce.blockSize(in), Announce.payloadSize(in));
            int manifestLength = Announce.manifestLength(in);
            chunkSize = Announce.chunkSize(in);
            if (manifestLength <= 0 || manifestLength > MAX_MANIFEST || chunkSize <= 0) {
                throw new IllegalArgumentException("manifest of " + manifestLength + " bytes");
            }
            chunks = (manifestLength + chunkSize - 1) / chunkSize;
            manifestBytes = new byte[manifestLength];
        } catch (IllegalArgumentException e) {
            refusedTransfers.add(keyId(in, transfer));
            log.accept("ignoring a sender that announced an unusable transfer: " + e.getMessage());
            return;
        }
        if (local == null) {
            throw new IllegalStateException("bind the receiver to its address before it runs");
        }
        transferId = transfer;
        transferKeyId = keyId(in, transfer);
        sender = from;
        ciphers = keys;
        senderWindow = new ReplayWindow();
        senderWindow.accept(Header.packetNumber(in));
        RANDOM.nextBytes(challenge);
        joinedAt = now;
        answered = false;
        // A random start in the lower half of the range: two receivers that drew the same node id
        // would still not use the same nonce (protocol/README.md, nonces).
        writer = new FrameWriter(allocator, ciphers.receivers(), transferId, nodeId, RANDOM.nextLong() >>> 2);
        payloadSize = Announce.payloadSize(in);
        announcedSize = Announce.imageSize(in);
        announcedBlockSize = Announce.blockSize(in);
        announcedSha = Announce.sha256(in);
        chunkCount = chunks;
        manifestChunks = new BitSet(chunks);
        lastHeardFromSender = now;
        nextJoinAt = now;
        state = State.JOINING;
        log.accept("sender " + from.getAddress().getHostAddress() + " announces " + Sizes.human(announcedSize) + ", SHA-256 "
                + HexFormat.of().formatHex(announcedSha) + "; registering");
    }

    private void onAnnounce(ByteBuf in) {
        statusInterval = Announce.statusIntervalMillis(in) * 1_000_000L;
        // A receiver that told the sender it is ready waits for the sender's verdict (its ACCEPT
        // may have been lost); one the sender has not answered cannot be part of this run.
        // A sender that answered our JOIN takes us (a receiver of this transfer coming back); its ACCEPT says so.
        if (Announce.state(in) != Announce.STATE_WAITING && state == State.JOINING && !ready && !answered) {
            refuse("the transfer started before this receiver was registered; waiting for the next one");
        }
    }

    private void onManifestChunk(ByteBuf in, long now) {
        if (state != State.JOINING || manifest != null) {
            return;
        }
        int index = ManifestChunk.index(in);
        int length = ManifestChunk.dataLength(in);
        int from = (int) Math.min(Integer.MAX_VALUE, (long) index * chunkSize);
        if (index < 0 || index >= chunkCount || ManifestChunk.count(in) != chunkCount
                || length != Math.min(chunkSize, manifestBytes.length - from)) {
            outOfRange++;
            return;
        }
        in.getBytes(ManifestChunk.dataOffset(in), manifestBytes, from, length);
        manifestChunks.set(index);
        int nextChunk = manifestChunks.nextClearBit(0);
        if (nextChunk >= chunkCount) {
            manifestComplete();
            nextJoinAt = now;
        } else if (nextChunk >= requestedUpTo) {
            nextJoinAt = now;
        }
    }

    private void manifestComplete() {
        Manifest parsed;
        try {
            parsed = Manifest.parse(manifestBytes);
        } catch (IllegalArgumentException e) {
            fail(Failure.NETWORK, "the sender's manifest is malformed: " + e.getMessage());
            return;
        }
        if (parsed.imageSize() != announcedSize || parsed.blockSize() != announcedBlockSize
                || !MessageDigest.isEqual(parsed.sha256(), announcedSha)) {
            fail(Failure.NETWORK, "the sender's manifest does not match its announcement");
            return;
        }
        manifest = parsed;
        manifestBytes = null;
        layout = manifest.layout(payloadSize);
        String problem = target.check(manifest.imageSize(), manifest.bytesToSend());
        if (problem != null) {
            fail(Failure.TARGET, problem);
            return;
        }
        ready = true;
    }

    private void onAccept(ByteBuf in, long now) {
        if (state != State.JOINING) {
            return;
        }
        if (Accept.verdict(in) != Accept.ACCEPTED) {
            refuse("the sender refused this receiver: the transfer already started; waiting for the next one");
            return;
        }
        if (!ready) {
            return;
        }
        joinRtt = lastJoinAt > 0 && now - lastJoinAt < JOIN_INTERVAL ? now - lastJoinAt : 0;
        try {
            target.prepare(manifest.imageSize());
        } catch (IOException e) {
            fail(Failure.TARGET, "cannot prepare " + target.describe() + ": " + e.getMessage());
            return;
        }
        have = new PacketBitmap(layout.packetSlots());
        blockReceived = new int[layout.blockCount()];
        completeBlocks = new BitSet(layout.blockCount());
        for (int b = 0; b < layout.blockCount(); b++) {
            if (!manifest.isZero(b)) {
                nonZeroPackets += layout.packetsInBlock(b);
            }
        }
        blockBuffer = ByteBuffer.allocateDirect(manifest.blockSize());
        groups = new PacketGroups(layout);
        planned = new byte[groups.slots()];
        assembler = new BlockAssembler(target, layout, ASSEMBLY_SLOTS);
        rebuilder = new GroupRebuilder(layout, groups, have, assembler, target);
        sha = sha256();
        deviceVerify = target.verifiesOnDevice();
        resumeCursor = target.resumes() ? 0 : -1;
        state = State.READY;
        nextStatusAt = now + (long) (RANDOM.nextDouble() * statusInterval); // receivers of one group spread out
        log.accept("registered (" + Accept.registered(in) + " so far); waiting for the start");
    }

    private void refuse(String why) {
        refusedTransfers.add(transferKeyId);
        log.accept(why);
        writer = null;
        ciphers = null;
        manifest = null;
        ready = false;
        state = State.LISTENING;
    }

    private void onData(ByteBuf in, long now) {
        if (state == State.READY) {
            state = State.RECEIVING;
            log.accept("receiving");
        }
        if (state != State.RECEIVING) {
            return;
        }
        dataReceived++;
        int sequence = Header.sequence(in);
        if (sequence - highestSequence > 0) {
            highestSequence = sequence;
        }
        int block = Data.block(in);
        int packet = Data.packet(in);
        round = Math.max(round, Data.round(in));
        int length = Data.payloadLength(in);
        if (block < 0 || block >= layout.blockCount() || manifest.isZero(block)
                || packet >= layout.packetsInBlock(block) || length != layout.packetLength(block, packet)) {
            outOfRange++;
            return;
        }
        if (have.get(layout.packetIndex(block, packet))) {
            duplicates++;
            return;
        }
        rebuilder.packetArrived(block);
        accept(block, packet, in.nioBuffer(Data.payloadOffset(in), length));
        if (state == State.RECEIVING) {
            rebuild(block, groups.groupOf(block, packet));
        }
    }

    /** Takes a packet not held before (received, or rebuilt from parity); false when the receiver failed. */
    private boolean accept(int block, int packet, ByteBuffer payload) {
        int length = payload.remaining();
        try {
            assembler.add(block, packet, payload);
        } catch (IOException e) {
            fail(Failure.TARGET, "writing to " + target.describe() + " failed: " + e.getMessage());
            return false;
        }
        have.set(layout.packetIndex(block, packet));
        uniqueReceived++;
        uniqueBytes += length;
        if (++blockReceived[block] == layout.packetsInBlock(block)) {
            rebuilder.forget(block);
            blockComplete(block);
        }
        return state == State.RECEIVING;
    }

    private void onParity(ByteBuf in) {
        if (state == State.READY) {
            state = State.RECEIVING;
            log.accept("receiving");
        }
        if (state != State.RECEIVING) {
            return;
        }
        int block = Parity.block(in);
        int group = Parity.group(in);
        int index = Parity.index(in);
        round = Math.max(round, Parity.round(in));
        if (block < 0 || block >= layout.blockCount() || manifest.isZero(block) || group >= groups.groups(block)
                || index >= groups.maxParity(block, group)
                || Parity.payloadLength(in) != groups.symbolLength(block, group)) {
            outOfRange++;
            return;
        }
        int missing = blockReceived[block] == layout.packetsInBlock(block) ? 0 : rebuilder.missing(block, group);
        if (missing == 0 || !rebuilder.keep(block, group, index, in, Parity.payloadOffset(in), Parity.payloadLength(in))) {
            duplicates++;
            return;
        }
        rebuild(block, group);
    }

    private void rebuild(int block, int group) {
        try {
            rebuilder.rebuildIfReady(block, group, this::accept);
        } catch (IOException e) {
            fail(Failure.TARGET, "reading back block " + block + " of " + target.describe() + ": " + e.getMessage());
        }
    }

    private void onPlan(ByteBuf in) {
        if (state != State.RECEIVING || Plan.round(in) != plannedRound) {
            return;
        }
        for (int entry = Plan.firstEntry(in); entry < Plan.end(in); entry = Plan.nextEntry(in, entry)) {
            int block = Plan.entryBlock(in, entry);
            int first = Plan.entryFirstGroup(in, entry);
            int count = Plan.entryCount(in, entry);
            if (block < 0 || block >= layout.blockCount() || first + count > groups.groupsPerBlock()) {
                outOfRange++;
                continue;
            }
            for (int i = 0; i < count; i++) {
                int slot = groups.slot(block, first + i);
                int symbols = Plan.entrySymbols(in, entry, i);
                if (symbols > (planned[slot] & 0xFF)) {
                    planned[slot] = (byte) symbols;
                    plannedSlots.set(slot);
                }
            }
        }
    }

    private void blockComplete(int block) {
        if (manifest.isCompressed(block)) {
            inflate(block);
            return;
        }
        try {
            assembler.flush(block);
        } catch (IOException e) {
            fail(Failure.TARGET, "writing block " + block + " to " + target.describe() + " failed: " + e.getMessage());
            return;
        }
        try {
            readBlock(block);
        } catch (IOException e) {
            fail(Failure.TARGET, "reading back block " + block + " of " + target.describe() + " failed: "
                    + e.getMessage());
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(blockBuffer.duplicate());
        if ((int) crc.getValue() != manifest.crc32c(block)) {
            // Written bytes differ from the image: ask for the whole block again.
            crcFailures++;
            forget(block);
            return;
        }
        completeBlocks.set(block);
        if (block == hashCursor && !deviceVerify) {
            sha.update(blockBuffer);
            hashCursor++;
            // Repairs complete blocks in order: catch up over blocks that completed earlier.
            advanceHash(HASH_BLOCKS_PER_COMPLETION);
        }
    }

    /** A complete block that must be received again: its packets count as missing. */
    private void forget(int block) {
        for (int p = 0; p < layout.packetsInBlock(block); p++) {
            have.clear(layout.packetIndex(block, p));
        }
        uniqueReceived -= blockReceived[block];
        uniqueBytes -= layout.storedLength(block);
        blockReceived[block] = 0;
        rebuilder.forget(block); // a wrong symbol may be why the block failed
    }

    /** Hands a completed compressed block to the inflater: from the window, or read back from where it waited. */
    private void inflate(int block) {
        ByteBuffer stored = assembler.takeWhole(block);
        if (stored == null) {
            try {
                assembler.flush(block);
                blockBuffer.clear().limit(layout.storedLength(block));
                target.read(blockBuffer, layout.blockOffset(block));
                stored = blockBuffer.flip();
            } catch (IOException e) {
                fail(Failure.TARGET, "block " + block + " of " + target.describe() + ": " + e.getMessage());
                return;
            }
        }
        if (inflater == null) {
            inflater = new BlockInflater(target, manifest, inflateExecutor);
        }
        inflater.submit(block, stored);
    }

    /** Takes in what the inflater finished; with {@code wait}, after everything in the works is done. */
    private void drainInflated(boolean wait) {
        if (inflater == null) {
            return;
        }
        if (wait) {
            inflater.awaitIdle();
        }
        for (BlockInflater.Done d : inflater.drain()) {
            switch (d.outcome()) {
                case WRITTEN -> {
                    completeBlocks.set(d.block());
                    if (d.block() == hashCursor) {
                        advanceHash(HASH_BLOCKS_PER_COMPLETION);
                    }
                }
                case WRITE_FAILED -> fail(Failure.TARGET, "writing block " + d.block() + " to " + target.describe()
                        + " failed: " + d.message());
                default -> {
                    if (++inflateFailures <= 3) {
                        log.accept("block " + d.block() + " rejected, nothing of it written: " + d.message()
                                + "; asking for it again");
                    }
                    forget(d.block());
                }
            }
        }
    }

    /** Runs the inflating on this executor instead of a thread of its own (tests in simulated time). */
    public void inflateWith(java.util.concurrent.Executor executor) {
        this.inflateExecutor = executor;
    }

    private void onRoundEnd(ByteBuf in, long now) {
        if (state != State.RECEIVING && state != State.READY) {
            return;
        }
        if (state == State.READY) {
            state = State.RECEIVING; // everything was lost, or the image is all zeros
        }
        int reported = RoundEnd.round(in);
        long window = RoundEnd.windowMicros(in) * 1000;
        verifyWhileMissingSince = 0; // repair goes on
        if (reported != plannedRound) {
            plannedRound = reported; // a new round: what the sender planned for the last one is spent
            for (int slot = plannedSlots.nextSetBit(0); slot >= 0; slot = plannedSlots.nextSetBit(slot + 1)) {
                planned[slot] = 0;
            }
            plannedSlots.clear();
            roundEndClock = RoundEnd.clockMicros(in);
            roundEndHeardAt = now;
            floor = new RepairFloor(RoundEnd.floorLossPpm(in), RoundEnd.floorTolerancePpb(in));
        }
        round = Math.max(round, reported);
        if (window > 0) {
            // A large group: report once, after a random wait, and only what the sender's PLAN does not cover.
            if (reportDueRound != reported && reported != lastReportRound) {
                reportDueRound = reported;
                reportDueAt = now + backoff(window, RoundEnd.receivers(in));
            }
            return;
        }
        if (reported == lastReportRound && now - lastReportAt < REPORT_MIN_INTERVAL) {
            return;
        }
        drainInflated(true); // the report must know which inflated blocks were rejected
        lastReportRound = reported;
        lastReportAt = now;
        sendRoundReport(reported, false, now);
    }

    /**
     * A wait within the report window, drawn so that few receivers answer early and most late (a
     * truncated exponential, as in NORM's NACK suppression, RFC 5401): the first reports reach the
     * sender, its PLAN reaches the rest, and they have nothing left to say.
     */
    static long backoff(long window, int receivers) {
        double lambda = Math.log(Math.max(2, receivers)) + 1;
        double u = RANDOM.nextDouble();
        return (long) (window * Math.log1p(u * Math.expm1(lambda)) / lambda);
    }

    private void onVerify(ByteBuf in, long now) {
        if (state == State.RECEIVING || state == State.READY) {
            drainInflated(true);
            if (missing() > 0) {
                // Our reports were lost, or a block failed its check late: ask again instead of
                // failing, but not for ever (a sender that keeps asking to verify is not repairing).
                if (verifyWhileMissingSince == 0) {
                    verifyWhileMissingSince = now;
                } else if (now - verifyWhileMissingSince > VERIFY_PATIENCE) {
                    fail(Failure.VERIFICATION, "the sender asked for verification for " + VERIFY_PATIENCE / 1_000_000_000L
                            + " s while " + missing() + " packets are still missing");
                    return;
                }
                if (now - lastReportAt >= REPORT_MIN_INTERVAL) {
                    lastReportRound = Verify.rounds(in);
                    lastReportAt = now;
                    sendRoundReport(Verify.rounds(in), false, now);
                }
                return;
            }
            verifyWhileMissingSince = 0;
            state = State.VERIFYING;
        }
    }

    private void onDrop(ByteBuf in) {
        int target = Drop.target(in);
        if (target != 0 && target != nodeId) {
            return;
        }
        int reason = Drop.reason(in);
        if (state == State.REPORTING || state == State.DONE) {
            state = State.DONE; // our result arrived
            return;
        }
        if (state == State.LISTENING || state == State.JOINING) {
            return; // a previous transfer ending: not ours
        }
        String why = Drop.message(in);
        String who = target != 0 ? "dropped by the sender: "
                : reason == Drop.REASON_ABORTED ? "the sender aborted the transfer: " : "the sender ended the transfer: ";
        fail(Failure.DROPPED, who + why);
    }

    // ------------------------------------------------------------------ outbound

    /**
     * Does everything due at {@code now}.
     *
     * @return the {@code nanoTime} at which to poll again at the latest
     */
    @Override
    public long poll(long now, Outbox out) {
        if (createdAt < 0) {
            createdAt = now;
        }
        drainInflated(false);
        if (inflater != null && state == State.DONE) {
            inflater.close();
        }
        for (ByteBuf b : toSender) {
            out.unicast(b, sender);
        }
        toSender.clear();
        switch (state) {
            case LISTENING -> {
                if (oldVersionFrom != null && now - oldVersionSince > OLD_VERSION_PATIENCE) {
                    fail(Failure.NETWORK, "the sender at " + oldVersionFrom.getAddress().getHostAddress() + " speaks"
                            + " imgcast wire format v" + oldVersion + " (an older img); this img speaks v" + Header.VERSION
                            + " and cannot receive from it:"
                            + " run the same img version on the sender and on every receiver");
                } else if (listenTimeout > 0 && now - createdAt > listenTimeout) {
                    fail(Failure.NETWORK, noSenderMessage());
                }
                return now + 50_000_000L;
            }
            case JOINING -> {
                if (senderSilent(now)) {
                    return now;
                }
                if (!answered && now - joinedAt > JOIN_PATIENCE) {
                    refuse("the sender at " + sender.getAddress().getHostAddress() + " announces a transfer but answers"
                            + " none of this receiver's registrations (a replayed recording?); listening again");
                    return now;
                }
                if (now >= nextJoinAt) {
                    int nextChunk = manifest != null ? chunkCount : manifestChunks.nextClearBit(0);
                    requestedUpTo = nextChunk + SenderEngine.MANIFEST_CHUNKS_PER_JOIN;
                    out.unicast(join(nextChunk), sender);
                    lastJoinAt = now;
                    nextJoinAt = now + JOIN_INTERVAL;
                }
                return nextJoinAt;
            }
            case READY, RECEIVING -> {
                if (senderSilent(now)) {
                    return now;
                }
                boolean hashed = resumeScan(RESUME_BLOCKS_PER_POLL) | advanceHash(HASH_BLOCKS_PER_POLL_RECEIVING);
                if (reportDueRound >= 0 && now >= reportDueAt) {
                    drainInflated(true);
                    lastReportRound = reportDueRound;
                    lastReportAt = now;
                    sendRoundReport(reportDueRound, true, now);
                    reportDueRound = -1;
                    for (ByteBuf b : toSender) {
                        out.unicast(b, sender);
                    }
                    toSender.clear();
                }
                if (now >= nextStatusAt) {
                    out.unicast(status(false, round, 0, 1, List.of(), now), sender);
                    nextStatusAt = now + statusInterval;
                }
                long wake = reportDueRound >= 0 ? Math.min(nextStatusAt, reportDueAt) : nextStatusAt;
                // While blocks wait to be hashed, come back soon: the tail of the transfer is shorter.
                return hashed ? Math.min(wake, now + 2_000_000L) : wake;
            }
            case VERIFYING -> {
                if (deviceVerify && !forcedForVerify) {
                    forcedForVerify = true;
                    try {
                        target.force(); // what the device holds is what gets hashed
                    } catch (IOException e) {
                        fail(Failure.TARGET, "flushing " + target.describe() + " failed: " + e.getMessage());
                        return now;
                    }
                }
                advanceHash(HASH_BLOCKS_PER_POLL_VERIFYING);
                if (state == State.VERIFYING && hashCursor >= layout.blockCount()) {
                    finishVerification();
                    resultSentAt = now;
                    nextResultAt = now;
                }
                if (now >= nextStatusAt && state == State.VERIFYING) {
                    out.unicast(status(false, round, 0, 1, List.of(), now), sender);
                    nextStatusAt = now + statusInterval;
                }
                return now;
            }
            case REPORTING -> {
                if (resultSentAt < 0) {
                    resultSentAt = now;
                }
                if (now - resultSentAt > RESULT_PATIENCE) {
                    log.accept("the sender did not confirm our result; ending anyway");
                    state = State.DONE;
                    return Long.MAX_VALUE;
                }
                if (now >= nextResultAt) {
                    out.unicast(result(), sender);
                    nextResultAt = now + RESULT_INTERVAL;
                }
                return nextResultAt;
            }
            default -> {
                return Long.MAX_VALUE;
            }
        }
    }

    private boolean senderSilent(long now) {
        if (now - lastHeardFromSender > senderTimeout) {
            fail(Failure.NETWORK, "the sender fell silent for " + String.format("%.1f", (now - lastHeardFromSender) / 1e9)
                    + " s");
            return true;
        }
        return false;
    }

    private String noSenderMessage() {
        long forged = counters.get(Verdict.BAD_TAG);
        String base = "no sender heard within " + String.format("%.0f", listenTimeout / 1e9) + " s";
        if (!refusedTransfers.isEmpty()) {
            return base + " (only a transfer that had already started)";
        }
        if (forged > 0) {
            return base + " (" + forged + " packets failed authentication: is the secret or session the same?)";
        }
        return base + " (is the sender running on this network with the same session or group and port?)";
    }

    /** Hashes up to {@code maxBlocks} blocks at the cursor; true when it hashed any. */
    private boolean advanceHash(int maxBlocks) {
        if (sha == null || deviceVerify && state != State.VERIFYING) {
            return false; // a device is hashed once, from the device, when everything is written
        }
        boolean any = false;
        for (int i = 0; i < maxBlocks && hashCursor < layout.blockCount(); i++) {
            int block = hashCursor;
            boolean zero = manifest.isZero(block);
            if (!zero && !completeBlocks.get(block)) {
                return any;
            }
            any = true;
            try {
                if (zero && !target.unwrittenReadsZero() && !readsZero(block)) {
                    if (zeros == null) {
                        zeros = ByteBuffer.allocateDirect(manifest.blockSize());
                    }
                    target.write(zeros.clear().limit(layout.blockLength(block)), layout.blockOffset(block));
                }
                if (deviceVerify) {
                    blockBuffer.clear().limit(layout.blockLength(block));
                    target.readFromDevice(blockBuffer, layout.blockOffset(block));
                    blockBuffer.flip();
                } else {
                    readBlock(block);
                }
            } catch (IOException e) {
                fail(Failure.TARGET, "block " + block + " of " + target.describe() + ": " + e.getMessage());
                return false;
            }
            sha.update(blockBuffer);
            hashCursor++;
        }
        return any;
    }

    /** With resume: true when the zero block already reads as zeros, so it need not be written. */
    private boolean readsZero(int block) throws IOException {
        if (!target.resumes()) {
            return false;
        }
        readBlock(block);
        while (blockBuffer.remaining() >= Long.BYTES) {
            if (blockBuffer.getLong() != 0) {
                return false;
            }
        }
        while (blockBuffer.hasRemaining()) {
            if (blockBuffer.get() != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Resume: reads up to {@code maxBlocks} blocks nothing has arrived for yet from the target and
     * takes each whose CRC32C matches the manifest as held, so it is neither asked for nor written.
     * Runs ahead of the stream (a disk reads faster than the network brings); a block the stream
     * reached first is simply received. True when it read any.
     */
    private boolean resumeScan(int maxBlocks) {
        if (resumeCursor < 0) {
            return false;
        }
        int read = 0;
        while (read < maxBlocks && resumeCursor < layout.blockCount()) {
            int block = resumeCursor++;
            if (manifest.isZero(block) || completeBlocks.get(block) || blockReceived[block] > 0) {
                continue;
            }
            read++;
            try {
                readBlock(block);
            } catch (IOException e) {
                fail(Failure.TARGET, "reading block " + block + " of " + target.describe() + " to resume: " + e.getMessage());
                return false;
            }
            CRC32C crc = new CRC32C();
            crc.update(blockBuffer);
            if ((int) crc.getValue() == manifest.crc32c(block)) {
                int packets = layout.packetsInBlock(block);
                for (int p = 0; p < packets; p++) {
                    have.set(layout.packetIndex(block, p));
                }
                blockReceived[block] = packets;
                reusedPackets += packets;
                reusedBytes += layout.blockLength(block);
                reusedStoredBytes += layout.storedLength(block);
                rebuilder.forget(block);
                completeBlocks.set(block);
            }
        }
        if (resumeCursor >= layout.blockCount()) {
            resumeCursor = -1;
            log.accept("resume: " + Sizes.human(reusedBytes) + " of the image already on " + target.describe()
                    + " and kept");
        }
        return read > 0;
    }

    private void finishVerification() {
        try {
            target.force();
        } catch (IOException e) {
            fail(Failure.TARGET, "flushing " + target.describe() + " failed: " + e.getMessage());
            return;
        }
        writtenSha = sha.digest();
        if (MessageDigest.isEqual(writtenSha, manifest.sha256())) {
            verified = true;
            message = "verified SHA-256 " + HexFormat.of().formatHex(writtenSha)
                    + (deviceVerify ? " (read back from the device, past the page cache)" : "");
        } else {
            failure = Failure.VERIFICATION;
            message = "SHA-256 of what was written is " + HexFormat.of().formatHex(writtenSha) + ", expected "
                    + manifest.sha256Hex();
        }
        log.accept(message);
        state = State.REPORTING;
    }

    private void fail(Failure why, String text) {
        if (state == State.DONE || state == State.REPORTING) {
            return;
        }
        failure = why;
        message = text;
        log.accept("failed: " + text);
        if (writer != null && sender != null && state != State.LISTENING) {
            // Tell the sender at once so it does not wait for us; then wait for its confirmation.
            state = State.REPORTING;
            resultSentAt = -1;
            nextResultAt = Long.MIN_VALUE;
        } else {
            state = State.DONE;
        }
    }

    /**
     * Sends the round report: per incomplete block a NAK bitmap that marks, in each packet group,
     * as many missing packets as the receiver needs symbols there (its missing packets less the
     * parity symbols it holds). With {@code suppress}, a block whose every need the sender's PLAN
     * already covers is left out, and nothing at all is sent when nothing is left.
     */
    private void sendRoundReport(int reportRound, boolean suppress, long now) {
        int maxBody = payloadSize + Data.FIXED_LENGTH;
        List<List<byte[]>> parts = new ArrayList<>();
        List<byte[]> part = new ArrayList<>();
        int used = Status.FIXED_LENGTH;
        int[] needs = new int[PacketGroups.MAX_GROUPS];
        BitSet marks = new BitSet();
        boolean any = false;
        for (int block = completeBlocks.nextClearBit(0); block < layout.blockCount();
                block = completeBlocks.nextClearBit(block + 1)) {
            if (manifest.isZero(block) || !markNeeds(block, needs, marks, suppress)) {
                continue;
            }
            any = true;
            int packets = layout.packetsInBlock(block);
            for (int p = marks.nextSetBit(0); p >= 0 && p < packets; ) {
                int room = maxBody - used - Status.NAK_FIXED_LENGTH;
                if (room < 16) {
                    parts.add(part);
                    part = new ArrayList<>();
                    used = Status.FIXED_LENGTH;
                    room = maxBody - used - Status.NAK_FIXED_LENGTH;
                }
                int first = p;
                int span = Math.min(packets - first, room * 8);
                int last = first;
                byte[] bitmap = new byte[(span + 7) / 8];
                for (int i = marks.nextSetBit(first); i >= 0 && i < first + span; i = marks.nextSetBit(i + 1)) {
                    bitmap[(i - first) >>> 3] |= (byte) (1 << ((i - first) & 7));
                    last = i;
                }
                int bytes = (last - first) / 8 + 1;
                byte[] entry = new byte[Status.NAK_FIXED_LENGTH + bytes];
                ByteBuffer.wrap(entry).putInt(block).putShort((short) first).putShort((short) bytes)
                        .put(bitmap, 0, bytes);
                part.add(entry);
                used += entry.length;
                p = marks.nextSetBit(first + span);
            }
        }
        if (suppress && !any) {
            return;
        }
        parts.add(part);
        int total = Math.min(parts.size(), 0xFFFF);
        for (int i = 0; i < total; i++) {
            toSender.add(status(true, reportRound, i, total, parts.get(i), now));
        }
    }

    /** Marks in {@code marks} the packets to ask for in a block; false when nothing is asked. */
    private boolean markNeeds(int block, int[] needs, BitSet marks, boolean suppress) {
        marks.clear();
        int groupCount = groups.groups(block);
        boolean beyondPlan = false;
        boolean anyNeed = false;
        for (int g = 0; g < groupCount; g++) {
            int slot = groups.slot(block, g);
            needs[g] = Math.max(0, rebuilder.missing(block, g) - rebuilder.held(block, g));
            anyNeed |= needs[g] > 0;
            beyondPlan |= needs[g] > Math.max(planned[slot] & 0xFF, floor.symbols(groups.sources(block, g)));
        }
        if (!anyNeed || suppress && !beyondPlan) {
            return false;
        }
        long base = layout.packetIndex(block, 0);
        int packets = layout.packetsInBlock(block);
        for (int p = 0; p < packets; p++) {
            int g = p % groupCount;
            if (needs[g] > 0 && !have.get(base + p)) {
                marks.set(p);
                needs[g]--;
            }
        }
        return true;
    }

    private ByteBuf join(int nextChunk) {
        ByteBuf out = writer.begin(PacketType.JOIN, ready ? Join.FLAG_READY : 0, Join.bodyLength(host));
        Join.writeBody(out, nextChunk, local, challenge, host);
        return writer.finish(out);
    }

    private ByteBuf status(boolean report, int statusRound, int part, int parts, List<byte[]> naks, long now) {
        int length = Status.FIXED_LENGTH;
        for (byte[] n : naks) {
            length += n.length;
        }
        ByteBuf out = writer.begin(PacketType.STATUS, report ? Status.FLAG_ROUND_REPORT : 0, length);
        Status.writeFixed(out, statusRound, dataReceived, highestSequence, missing(),
                completeBlocks == null ? 0 : completeBlocks.cardinality(), part, parts, roundEndClock,
                roundEndClock == 0 ? 0 : (int) Math.min(0xFFFF_FFFFL, (now - roundEndHeardAt) / 1000),
                (int) Math.min(0xFFFF_FFFFL, joinRtt / 1000));
        for (byte[] n : naks) {
            out.writeBytes(n);
        }
        return writer.finish(out);
    }

    private ByteBuf result() {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = writer.begin(PacketType.RESULT, 0, Result.bodyLength(text));
        Result.writeBody(out, verified ? Result.VERIFIED : Result.FAILED, uniqueBytes, writtenSha, text);
        return writer.finish(out);
    }

    private void readBlock(int block) throws IOException {
        blockBuffer.clear().limit(layout.blockLength(block));
        target.read(blockBuffer, layout.blockOffset(block));
        blockBuffer.flip();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reporting

    public State state() {
        return state;
    }

    @Override
    public boolean finished() {
        return state == State.DONE;
    }

    public boolean verified() {
        return verified && failure == Failure.NONE;
    }

    public Failure failure() {
        return failure;
    }

    public String message() {
        return message;
    }

    public long missing() {
        return nonZeroPackets - uniqueReceived - reusedPackets;
    }

    /** Image bytes (raw) a resumed receiver found already on its target and kept. */
    public long bytesReused() {
        return reusedBytes;
    }

    /** The same in stored (as sent) form: with {@link #bytesReceived}, what this receiver holds of {@link #bytesToReceive}. */
    public long storedBytesReused() {
        return reusedStoredBytes;
    }

    /** Image bytes hashed so far (all of them once verification is over). */
    public long bytesVerified() {
        return layout == null ? 0 : hashCursor >= layout.blockCount() ? manifest.imageSize() : layout.blockOffset(hashCursor);
    }

    /** True when the SHA-256 was taken from the device itself, past the page cache. */
    public boolean verifiedOnDevice() {
        return deviceVerify;
    }

    public long imageSize() {
        return manifest == null ? 0 : manifest.imageSize();
    }

    public long bytesToReceive() {
        return manifest == null ? 0 : manifest.storedBytes();
    }

    public long bytesReceived() {
        return uniqueBytes;
    }

    public int round() {
        return round;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfRange() {
        return outOfRange;
    }

    /** Compressed blocks rejected after they were complete (bad frame, wrong length or content). */
    public long inflateFailures() {
        return inflateFailures;
    }

    public long crcFailures() {
        return crcFailures;
    }

    /** Missing packets rebuilt from parity symbols. */
    public long packetsRebuilt() {
        return rebuilder == null ? 0 : rebuilder.rebuilt();
    }

    public PacketCounters counters() {
        return counters;
    }

    public String writtenSha256() {
        return HexFormat.of().formatHex(writtenSha);
    }
}
