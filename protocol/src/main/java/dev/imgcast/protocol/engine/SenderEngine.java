package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.image.ImageLayout;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.PacketBitmap;
import dev.imgcast.protocol.image.StoredBlocks;
import dev.imgcast.protocol.wire.Accept;
import dev.imgcast.protocol.wire.Announce;
import dev.imgcast.protocol.wire.Data;
import dev.imgcast.protocol.wire.DatagramValidator;
import dev.imgcast.protocol.wire.Drop;
import dev.imgcast.protocol.wire.FrameWriter;
import dev.imgcast.protocol.wire.Header;
import dev.imgcast.protocol.wire.Join;
import dev.imgcast.protocol.fec.ParityCode;
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
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The sender side of one transfer, as a state machine without sockets: datagrams come in through
 * {@link #onDatagram}, go out through the {@link Outbox} given to {@link #poll}, and time is the
 * caller's {@code System.nanoTime()}.
 *
 * <p>Rounds: round 1 sends every packet of every non-zero block once, in order (with parity
 * symbols ahead if asked). At the end of a round the sender asks for round reports (ROUND_END);
 * a receiver reports, per packet group, how many symbols it still needs. The next round sends
 * each group as many new parity symbols as its neediest receiver asked for ({@link RepairPlan}):
 * one parity symbol fills a different hole at every receiver. In a small group every receiver
 * answers at once; in a large one each waits a random time within a window scaled to the group
 * round-trip time, and the sender multicasts what it already plans (PLAN), so most receivers have
 * nothing left to say and the reports per round stay bounded. When nothing is needed, the sender
 * asks for verification (VERIFY) and waits for each RESULT; a receiver that still misses something
 * answers VERIFY with a report, and repair resumes.
 *
 * <p>Single-threaded: call every method from the same thread (the socket's event loop).
 *
 * <p>Why one class of about 1,200 lines: every transition (register, send, collect, verify) works on
 * the same per-receiver table, round union and pacing state; one state machine in one file is
 * easier to reason about than the same fields shared across several. What stands alone is
 * already its own class: the codecs ({@code wire/}), the {@link RateController}, the repair
 * bookkeeping ({@link RepairPlan}, {@link RepairFloor}, {@link PacketGroups}), the outbox and the
 * image source. The collection of round reports (window, round trip, PLAN) is the next candidate
 * to stand alone.
 */
public final class SenderEngine implements TransferEngine {

    public enum State {
        /** Announcing, registering receivers, handing out the manifest. */
        WAITING,
        /** Streaming the packets of the current round. */
        SENDING,
        /** Round over, collecting the receivers' round reports. */
        COLLECTING,
        /** Every receiver holds everything; collecting results. */
        VERIFYING,
        /** Over: every receiver verified, failed or was dropped, or nobody came. */
        FINISHED
    }

    static final long ANNOUNCE_INTERVAL = 200_000_000L;
    static final long ROUND_END_INTERVAL = 30_000_000L;
    static final long VERIFY_INTERVAL = 100_000_000L;
    static final long LOSS_INTERVAL = 100_000_000L;
    static final long FINAL_NOTICE_INTERVAL = 20_000_000L;
    static final int FINAL_NOTICES = 3;
    static final int MANIFEST_CHUNKS_PER_JOIN = 32;
    static final int MAX_BATCH = 64;
    static final long BURST_NANOS = 10_000_000L;
    /** Ethernet header and FCS, IPv4 and UDP headers: what a datagram costs on the wire beyond itself. */
    static final int WIRE_OVERHEAD = 18 + 20 + 8;
    static final int MAX_ROUNDS = 0xFFFF;
    /**
     * Up to this many live receivers, every one reports at once each round and the sender waits for
     * all; more, and they report after a random wait, only what the sender does not plan already.
     * {@code IMG_SMALL_GROUP} changes it (tests that take the large group's path with few receivers).
     */
    static final int SMALL_GROUP = smallGroup(System.getenv("IMG_SMALL_GROUP"));
    static final long INITIAL_GRTT = 20_000_000L;
    /** A receiver slower than this to answer does not stretch every round: its report comes next round. */
    static final long MAX_GRTT = 200_000_000L;
    static final long MIN_WINDOW = 2_000_000L;
    static final long MAX_WINDOW = 1_000_000_000L;
    /** STATUS per receiver while data flows: at least this often, and spread so the sender gets about 500 a second. */
    static final long MIN_STATUS_INTERVAL_MS = 100;
    static final long STATUS_PER_RECEIVER_MS = 2;
    private static final boolean DEBUG = System.getenv("IMG_DEBUG") != null;

    private final Manifest manifest;
    private final ImageLayout layout;
    private final StoredBlocks blocks;
    private final SenderConfig config;
    private final byte[] salt = TransferKeys.salt();
    private final TransferKeys.Ciphers ciphers;
    private final FrameWriter writer;
    private final Set<InetSocketAddress> warned = new HashSet<>();
    private InetSocketAddress local;
    private final Consumer<String> log;
    private final byte[] manifestBytes;
    private final int chunkSize;
    private final int chunkCount;
    private final PacketCounters counters = new PacketCounters();
    private final Map<Integer, Receiver> receivers = new LinkedHashMap<>();
    private final RateController rate;
    private ByteBuffer blockBuffer;
    private PacketGroups groups;
    private RepairPlan plan;
    /** Blocks a repair round deals its parity across (copies kept of their stored forms). */
    static final int REPAIR_WINDOW = 8;
    private int queueBlock = -1;
    private int queueLength;
    private int queuePos;
    private final int[] window = new int[REPAIR_WINDOW];
    private int windowCount;
    private ByteBuffer[] windowCopies;
    /** The round being prepared follows a large group's collection (margin on its repair). */
    private boolean largeRound;
    private byte[] symbol;
    private final int[] groupCounts = new int[PacketGroups.MAX_GROUPS];
    /** The group round-trip time in use; {@link #reportRtt} from round reports, receivers' own from their JOIN. */
    private long grtt = INITIAL_GRTT;
    private long reportRtt;
    private long grttSample;
    private long windowNanos;
    private long collectDeadline;
    private long collectStartedAt;
    private long nextPlanAt;
    private double worstLoss;
    private RepairFloor floor = RepairFloor.NONE;
    private long travellingGroups;
    /** Test hook: corrupts the parity symbol whose running number it accepts (a faulty sender). */
    java.util.function.LongPredicate corruptParity = n -> false;

    private State state = State.WAITING;
    private String startReason;
    private String endReason;
    private long createdAt = -1;
    private long startedAt;
    private long finishedAt;
    private long lastRegistrationAt;
    private long nextAnnounceAt;
    private long nextRoundEndAt;
    private long nextVerifyAt;
    private long nextLossCheckAt;
    private long nextFinalNoticeAt;
    private int finalNoticesLeft = FINAL_NOTICES;
    private boolean aborted;

    private int round;
    private PacketBitmap current;
    private PacketBitmap next;
    private long sentInRound;
    private int cachedBlock = -1;

    private double tokens;
    private long lastRefill;

    private long dataPackets;
    private int rejoins;
    private long repairPackets;
    private long parityPackets;
    private long reportsThisRound;
    private long reportsTotal;
    private long reportsMostInRound;
    private long planDatagrams;
    private long round1PayloadSent;
    private long payloadBytesSent;
    private long badNaks;
    private long channelWaits;
    private long tokenWaits;

    public SenderEngine(Manifest manifest, StoredBlocks blocks, SenderConfig config, byte[] key, int transferId,
            ByteBufAllocator allocator, Consumer<String> log) {
        this.manifest = manifest;
        this.layout = manifest.layout(config.payloadSize());
        this.blocks = blocks;
        this.config = config;
        this.ciphers = TransferKeys.forTransfer(key, salt, transferId);
        this.writer = new FrameWriter(allocator, ciphers.sender(), transferId, 0, 0);
        this.log = log;
        this.manifestBytes = manifest.serialize();
        this.chunkSize = config.payloadSize();
        this.chunkCount = (manifestBytes.length + chunkSize - 1) / chunkSize;
        this.rate = new RateController(config.maxBitsPerSecond());
    }

    static int smallGroup(String setting) {
        try {
            return setting == null ? 16 : Math.max(0, Integer.parseInt(setting.trim()));
        } catch (NumberFormatException e) {
            return 16;
        }
    }

    // ------------------------------------------------------------------ inbound

    /** The address and port this sender's socket is bound to: announced, so receivers answer it only. */
    @Override
    public void bind(InetSocketAddress self) {
        this.local = self;
    }

    /** Handles one received datagram (its readable bytes). Never throws for bad input. */
    @Override
    public boolean onDatagram(ByteBuf in, InetSocketAddress from, long now) {
        Verdict verdict = DatagramValidator.frame(in);
        if (verdict == Verdict.OK && Header.transferId(in) != writer.transferId()) {
            verdict = Verdict.OTHER_TRANSFER;
        }
        if (verdict == Verdict.OK && Header.nodeId(in) == 0) {
            verdict = Verdict.OTHER_TRANSFER; // a sender's packet with our transfer id: nothing for us
        }
        if (verdict == Verdict.OK) {
            verdict = DatagramValidator.open(in, ciphers.receivers());
        }
        if (verdict == Verdict.OK) {
            verdict = checkPeer(in, from);
        }
        counters.count(verdict);
        if (verdict == Verdict.OLD_VERSION && warned.add(from)) {
            log.accept(from.getAddress().getHostAddress() + " speaks imgcast wire format v" + Header.version(in)
                    + " (an older img): it cannot"
                    + " take part in this transfer; run the same img version on the sender and every receiver");
        }
        if (verdict != Verdict.OK) {
            return false;
        }
        int node = Header.nodeId(in);
        PacketType type = PacketType.of(Header.type(in));
        switch (type) {
            case JOIN -> onJoin(in, node, from, now);
            case STATUS -> onStatus(in, node, now);
            case RESULT -> onResult(in, node, now);
            default -> {
                // sender-to-receiver types arriving here: ignored
            }
        }
        return !pendingUnicast.isEmpty() || state == State.COLLECTING;
    }

    /**
     * A known receiver speaks from the address it registered from, with packet numbers not seen
     * before; an unknown one only with a JOIN that names the address it comes from.
     */
    private Verdict checkPeer(ByteBuf in, InetSocketAddress from) {
        Receiver r = receivers.get(Header.nodeId(in));
        if (r == null) {
            if (Header.type(in) == PacketType.JOIN.code() && !Join.fromNamedReceiver(in, from)) {
                if (warned.add(from)) {
                    log.accept("refused a JOIN relayed by " + from.getAddress().getHostAddress() + " for a receiver at "
                            + Join.host(in) + " (not the address it came from)");
                }
                return Verdict.WRONG_ADDRESS;
            }
            return Verdict.OK;
        }
        if (!r.address.equals(from)) {
            if (warned.add(from)) {
                log.accept("refused packets from " + from.getAddress().getHostAddress() + " claiming to be receiver "
                        + r.label());
            }
            return Verdict.WRONG_ADDRESS;
        }
        return r.window.accept(Header.packetNumber(in)) ? Verdict.OK : Verdict.REPLAYED;
    }

    private void onJoin(ByteBuf in, int node, InetSocketAddress from, long now) {
        Receiver r = receivers.get(node);
        byte[] challenge = Join.challenge(in);
        if (r != null) {
            r.challenge = challenge;
        }
        if (state != State.WAITING && r == null && state != State.FINISHED) {
            r = rejoin(in, node, from, challenge, now);
        }
        if (state != State.WAITING && (r == null || !r.rejoined || r.ready)) {
            if (r != null && r.ready && r.outcome == ReceiverOutcome.PENDING) {
                // Our ACCEPT was lost: the receiver is part of this run, say so again.
                r.lastHeard = now;
                pendingUnicast.add(new Pending(accept(Accept.ACCEPTED, challenge), r.address));
            } else if (r == null || !r.ready) {
                pendingUnicast.add(new Pending(accept(Accept.REFUSED_STARTED, challenge), from));
                if (r == null) {
                    log.accept("late receiver " + Join.host(in) + " (" + from.getAddress().getHostAddress()
                            + ") refused: the transfer already started");
                }
            }
            return;
        }
        if (r == null) {
            r = new Receiver(node, Join.host(in), from);
            r.challenge = challenge;
            r.window.accept(Header.packetNumber(in));
            receivers.put(node, r);
            lastRegistrationAt = now;
            log.accept("receiver " + r.label() + " registered (" + receivers.size()
                    + (config.expectedReceivers() > 0 ? " of " + config.expectedReceivers() : "") + ")");
        }
        r.lastHeard = now;
        int nextChunk = Join.nextChunk(in);
        if (nextChunk < chunkCount) {
            int end = Math.min(chunkCount, Math.max(0, nextChunk) + MANIFEST_CHUNKS_PER_JOIN);
            for (int c = Math.max(0, nextChunk); c < end; c++) {
                pendingUnicast.add(new Pending(manifestChunk(c, challenge), r.address));
            }
        } else if ((Header.flags(in) & Join.FLAG_READY) != 0) {
            r.ready = true;
            pendingUnicast.add(new Pending(accept(Accept.ACCEPTED, challenge), r.address));
        }
    }

    /**
     * A receiver of this transfer that comes back while it runs (its process was killed or the
     * device rebooted, and img started again): the same host name from the same address, not yet
     * verified. It takes the place of its earlier self, gets the manifest and is accepted; what it
     * missed it asks for in its round reports, as any receiver does. Anyone else is refused.
     */
    private Receiver rejoin(ByteBuf in, int node, InetSocketAddress from, byte[] challenge, long now) {
        String host = Join.host(in);
        Receiver earlier = null;
        for (Receiver r : receivers.values()) {
            if (r.host.equals(host) && r.address.getAddress().equals(from.getAddress())
                    && r.outcome != ReceiverOutcome.VERIFIED) {
                earlier = r;
            }
        }
        if (earlier == null || host.isEmpty()) {
            return null;
        }
        receivers.remove(earlier.nodeId);
        Receiver r = new Receiver(node, host, from);
        r.rejoined = true;
        r.challenge = challenge;
        r.lastHeard = now;
        r.window.accept(Header.packetNumber(in));
        receivers.put(node, r);
        rejoins++;
        log.accept("receiver " + r.label() + " came back during the transfer (it was "
                + (earlier.outcome == ReceiverOutcome.PENDING ? "silent" : earlier.outcome + ": " + earlier.message)
                + "); it takes its place again and gets what it lacks by repair");
        return r;
    }

    private void onStatus(ByteBuf in, int node, long now) {
        Receiver r = receivers.get(node);
        if (r == null || r.outcome != ReceiverOutcome.PENDING) {
            return;
        }
        if (r.rejoined && !r.statusSeen) {
            // It came in the middle: its loss counts from here, not from the first datagram of the transfer.
            r.lossSequenceMark = Status.highestSequence(in);
            r.lossReceivedMark = Status.received(in);
        }
        r.lastHeard = now;
        r.received = Status.received(in);
        r.highestSequence = Status.highestSequence(in);
        r.statusSeen = true;
        r.completeBlocks = Status.completeBlocks(in);
        r.joinRtt = Math.min(MAX_GRTT, Status.joinRttMicros(in) * 1000);
        if ((Header.flags(in) & Status.FLAG_ROUND_REPORT) == 0 || Status.round(in) != round) {
            return;
        }
        sampleRoundTrip(in, now);
        // A report during VERIFY comes from a receiver that still misses something: repair resumes.
        boolean resume = state == State.VERIFYING && Status.nakEnd(in) > Status.firstNak(in);
        if (state != State.COLLECTING && !resume) {
            return;
        }
        reportsThisRound++;
        reportsTotal++;
        if (state == State.COLLECTING && windowNanos > 0) {
            // Reports still coming in: give the stragglers behind this one the same time again.
            collectDeadline = Math.max(collectDeadline, Math.min(now + 2 * grtt, collectStartedAt + 2 * MAX_WINDOW));
        }
        for (int entry = Status.firstNak(in); entry < Status.nakEnd(in); entry = Status.nextNak(in, entry)) {
            mergeNak(in, entry);
        }
        int parts = Status.parts(in);
        int part = Status.part(in);
        if (parts == 0 || part >= parts) {
            badNaks++;
            return;
        }
        if (r.reportRound != round || r.reportPartsExpected != parts) {
            r.reportRound = round;
            r.reportPartsExpected = parts;
            r.reportParts.clear();
        }
        r.reportParts.set(part);
        r.reportMissing = Status.missing(in);
        if (r.reportParts.cardinality() == parts) {
            r.reportedRound = round;
        }
        if (resume && !plan.isEmpty()) {
            log.accept("receiver " + r.label() + " still misses " + r.reportMissing + " packets; repair resumes");
            nextRound(now);
        }
    }

    /**
     * A round report echoes the clock of the ROUND_END it answers and says how long it waited: one
     * round-trip sample (the network and the receiver's backlog). Only round reports count: a
     * periodic STATUS may echo a ROUND_END that sat long in a busy receiver's socket.
     */
    private void sampleRoundTrip(ByteBuf in, long now) {
        int echo = Status.echo(in);
        if (echo == 0) {
            return;
        }
        long micros = (((int) (now / 1000) - echo) & 0xFFFF_FFFFL) - Status.holdMicros(in);
        if (micros >= 0 && micros < 10_000_000L) {
            grttSample = Math.max(grttSample, micros * 1000);
        }
    }

    private void mergeNak(ByteBuf in, int entry) {
        int block = Status.nakBlock(in, entry);
        int first = Status.nakFirstPacket(in, entry);
        int length = Status.nakBitmapLength(in, entry);
        if (block < 0 || block >= layout.blockCount() || manifest.isZero(block)) {
            badNaks++;
            return;
        }
        int packets = layout.packetsInBlock(block);
        int groupCount = groups.groups(block);
        int bitmap = entry + Status.NAK_FIXED_LENGTH;
        for (int i = 0; i < length; i++) {
            int bits = in.getUnsignedByte(bitmap + i);
            while (bits != 0) {
                int bit = Integer.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                int packet = first + i * 8 + bit;
                if (packet < packets) {
                    next.set(layout.packetIndex(block, packet));
                    groupCounts[packet % groupCount]++;
                } else {
                    badNaks++;
                }
            }
        }
        // Marked packets per group = symbols the receiver needs there (it leaves out what its parity covers).
        for (int g = 0; g < groupCount; g++) {
            if (groupCounts[g] > 0) {
                plan.merge(block, g, groupCounts[g]);
                groupCounts[g] = 0;
            }
        }
    }

    private void onResult(ByteBuf in, int node, long now) {
        Receiver r = receivers.get(node);
        if (r == null) {
            return;
        }
        r.lastHeard = now;
        pendingUnicast.add(new Pending(drop(node, Drop.REASON_FINISHED, "result received"), r.address));
        if (r.outcome != ReceiverOutcome.PENDING) {
            return;
        }
        r.sha256 = HexFormat.of().formatHex(Result.sha256(in));
        r.message = Result.message(in);
        if (Result.outcome(in) == Result.VERIFIED && r.sha256.equals(manifest.sha256Hex())) {
            r.outcome = ReceiverOutcome.VERIFIED;
            log.accept("receiver " + r.label() + " verified SHA-256 " + r.sha256);
        } else {
            r.outcome = ReceiverOutcome.FAILED;
            if (r.message.isEmpty()) {
                r.message = "reported SHA-256 " + r.sha256 + ", expected " + manifest.sha256Hex();
            }
            log.accept("receiver " + r.label() + " failed: " + r.message);
        }
    }

    // ------------------------------------------------------------------ outbound

    private record Pending(ByteBuf datagram, InetSocketAddress to) {
    }

    private final List<Pending> pendingUnicast = new ArrayList<>();

    /**
     * Does everything due at {@code now}: answers, announcements, data within the rate.
     *
     * @return the {@code nanoTime} at which to poll again at the latest (now or earlier: at once)
     */
    @Override
    public long poll(long now, Outbox out) {
        if (createdAt < 0) {
            if (local == null) {
                throw new IllegalStateException("bind the sender to its address before it runs");
            }
            createdAt = now;
            lastRefill = now;
            nextAnnounceAt = now;
        }
        for (Pending p : pendingUnicast) {
            out.unicast(p.datagram, p.to);
        }
        pendingUnicast.clear();
        if (state != State.FINISHED && now >= nextAnnounceAt) {
            out.multicast(announce());
            nextAnnounceAt = now + ANNOUNCE_INTERVAL;
        }
        long wake = nextAnnounceAt;
        switch (state) {
            case WAITING -> wake = Math.min(wake, pollWaiting(now));
            case SENDING -> wake = Math.min(wake, pollSending(now, out));
            case COLLECTING -> wake = Math.min(wake, pollCollecting(now, out));
            case VERIFYING -> wake = Math.min(wake, pollVerifying(now, out));
            case FINISHED -> wake = pollFinished(now, out);
        }
        return wake;
    }

    private long pollWaiting(long now) {
        receivers.values().removeIf(r -> {
            boolean silent = r.outcome == ReceiverOutcome.PENDING
                    && now - r.lastHeard > config.receiverTimeout().toNanos();
            if (silent) {
                log.accept("receiver " + r.label() + " went silent before the start; forgotten");
            }
            return silent;
        });
        int candidates = 0;
        int ready = 0;
        for (Receiver r : receivers.values()) {
            if (r.outcome == ReceiverOutcome.PENDING) {
                candidates++;
                if (r.ready) {
                    ready++;
                }
            }
        }
        boolean allReady = ready == candidates;
        if (config.expectedReceivers() > 0 && ready >= config.expectedReceivers() && allReady) {
            start(now, ready + " receivers ready, as expected");
        } else if (config.idleStart() != null && ready > 0 && allReady
                && now - lastRegistrationAt >= config.idleStart().toNanos()) {
            start(now, "no new receiver for " + seconds(config.idleStart().toNanos()) + " s (" + ready
                    + " ready)");
        } else if (config.startTimeout() != null && ready == 0
                && now - createdAt >= config.startTimeout().toNanos()) {
            String within = " within " + seconds(config.startTimeout().toNanos()) + " s";
            finish(now, receivers.isEmpty() ? "no receiver registered" + within
                    : "no receiver ready" + within + " (" + receivers.size() + " registered, "
                            + (receivers.size() - candidates) + " failed)");
        }
        return now + 20_000_000L;
    }

    private void start(long now, String reason) {
        startReason = reason;
        startedAt = now;
        log.accept("starting: " + reason);
        for (Receiver r : receivers.values()) {
            r.lastHeard = now;
        }
        current = new PacketBitmap(layout.packetSlots());
        next = new PacketBitmap(layout.packetSlots());
        groups = new PacketGroups(layout);
        plan = new RepairPlan(layout, groups);
        for (int b = 0; b < layout.blockCount(); b++) {
            travellingGroups += manifest.isZero(b) ? 0 : groups.groups(b);
        }
        symbol = new byte[config.payloadSize()];
        nextLossCheckAt = now + LOSS_INTERVAL;
        beginRound(1, now);
    }

    private void beginRound(int number, long now) {
        round = number;
        sentInRound = 0;
        queueBlock = -1;
        queueLength = 0;
        queuePos = 0;
        state = State.SENDING;
        lastRefill = now;
    }

    private long pollSending(long now, Outbox out) {
        dropSilent(now, out);
        if (state != State.SENDING) {
            return now;
        }
        checkLoss(now);
        // The bucket holds BURST_NANOS worth of sending: timers fire late (1 ms at best, several
        // on a busy machine), and what a late poll could not send would otherwise be lost rate.
        long wirePerPacket = config.payloadSize() + Data.OVERHEAD + WIRE_OVERHEAD;
        double burst = Math.max(wirePerPacket * (double) MAX_BATCH, rate.rate() / 8e9 * BURST_NANOS);
        tokens = Math.min(burst, tokens + (now - lastRefill) * (rate.rate() / 8e9));
        lastRefill = now;
        int sent = 0;
        while (sent < MAX_BATCH) {
            if (!out.canSend()) {
                channelWaits++;
                return now + 1_000_000L;
            }
            if (queuePos >= queueLength) {
                if (!nextQueue()) {
                    endRound(now);
                    return now;
                }
                continue;
            }
            int entry = plan.queued()[queuePos];
            int block = plan.queuedBlocks()[queuePos];
            boolean isParity = (entry & RepairPlan.PARITY) != 0;
            int group = (entry >>> 8) & 0xFF;
            int length = isParity ? groups.symbolLength(block, group) : layout.packetLength(block, entry);
            long wire = length + (isParity ? Parity.OVERHEAD : Data.OVERHEAD) + WIRE_OVERHEAD;
            if (tokens < wire) {
                tokenWaits++;
                return now + (long) Math.ceil((wire - tokens) * 8e9 / rate.rate());
            }
            tokens -= wire;
            out.multicast(isParity ? parity(block, group, entry & 0xFF, length) : data(block, entry, length));
            queuePos++;
            sent++;
            sentInRound++;
            payloadBytesSent += length;
            if (isParity) {
                parityPackets++;
            }
            if (round > 1) {
                repairPackets++;
            } else if (!isParity) {
                dataPackets++;
                round1PayloadSent += length;
            }
        }
        return now;
    }

    /**
     * Deals the next symbols of this round: round 1 block by block; a repair round over up to
     * {@link #REPAIR_WINDOW} blocks at once, whose stored forms are copied (the block source lends
     * one block at a time). False when the round has no block left.
     */
    private boolean nextQueue() {
        boolean allBlocks = round == 1 || floor.active();
        int limit = round == 1 ? 1 : REPAIR_WINDOW;
        windowCount = 0;
        int block = queueBlock + 1;
        while (windowCount < limit) {
            if (allBlocks) {
                while (block < layout.blockCount() && manifest.isZero(block)) {
                    block++;
                }
                if (block >= layout.blockCount()) {
                    break;
                }
            } else {
                block = plan.nextBlock(block);
                if (block < 0) {
                    break;
                }
            }
            window[windowCount++] = block;
            queueBlock = block;
            block++;
        }
        if (windowCount == 0) {
            return false;
        }
        if (round > 1) {
            copyWindow();
        }
        queuePos = 0;
        queueLength = plan.queue(window, windowCount, round == 1, proactiveShare(), current, floor, largeRound ? 1 : 0);
        return true;
    }

    private void copyWindow() {
        if (windowCopies == null) {
            windowCopies = new ByteBuffer[REPAIR_WINDOW];
        }
        for (int w = 0; w < windowCount; w++) {
            if (windowCopies[w] == null) {
                windowCopies[w] = ByteBuffer.allocateDirect(manifest.blockSize());
            }
            ByteBuffer stored;
            try {
                stored = blocks.stored(window[w]);
            } catch (IOException e) {
                throw new UncheckedIOException("reading block " + window[w] + " of the image", e);
            }
            windowCopies[w].clear().put(stored.duplicate()).flip();
        }
        cachedBlock = -1;
    }

    /** Parity sent with the first pass, as a share of each group's packets. */
    private double proactiveShare() {
        return config.fecPercent() == SenderConfig.FEC_AUTO ? Math.min(0.25, 2 * worstLoss) : config.fecPercent() / 100.0;
    }

    private void endRound(long now) {
        state = State.COLLECTING;
        nextRoundEndAt = now;
        plan.clear(); // what it planned was sent; the reports fill it again
        reportsThisRound = 0;
        grttSample = 0;
        List<Receiver> live = live();
        grtt = groupRoundTrip(live);
        boolean small = live.size() <= SMALL_GROUP;
        windowNanos = small ? 0 : Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, 4 * grtt));
        largeRound = !small;
        floor = small || round != 1 ? RepairFloor.NONE : RepairFloor.of(firstPassLoss(live), live.size(), travellingGroups);
        collectStartedAt = now;
        collectDeadline = now + windowNanos + 2 * grtt + 1_000_000L;
        nextPlanAt = now + Math.max(windowNanos / 8, 500_000L);
        for (Receiver r : receivers.values()) {
            // Silence is measured from the moment we ask, not from the last data we sent.
            r.lastHeard = Math.max(r.lastHeard, now - config.receiverTimeout().toNanos() / 2);
        }
    }

    private long pollCollecting(long now, Outbox out) {
        dropSilent(now, out);
        if (state != State.COLLECTING) {
            return now;
        }
        List<Receiver> live = live();
        // Decided when the round ended, as the ROUND_END says: receivers told to wait and spare their
        // reports must not be waited for when the group shrinks meanwhile.
        boolean small = windowNanos == 0;
        boolean allReported = live.stream().allMatch(r -> r.reportedRound == round);
        if (!allReported && (small || now < collectDeadline)) {
            if (now >= nextRoundEndAt) {
                out.multicast(roundEnd(now, live.size()));
                nextRoundEndAt = now + (small ? ROUND_END_INTERVAL : Math.max(1_000_000L, windowNanos / 4));
            }
            if (small) {
                return nextRoundEndAt;
            }
            if (now >= nextPlanAt) {
                sendPlan(out);
                nextPlanAt = now + Math.max(windowNanos / 8, 500_000L);
            }
            return Math.min(nextRoundEndAt, Math.min(nextPlanAt, collectDeadline));
        }
        if (grttSample > 0) {
            reportRtt = Math.max(grttSample, reportRtt * 3 / 4);
        }
        reportsMostInRound = Math.max(reportsMostInRound, reportsThisRound);
        boolean allComplete = plan.isEmpty() && !floor.active();
        for (Receiver r : live) {
            if (r.reportedRound != round) {
                continue; // nothing to say this round (its needs were covered): it is not stalled
            }
            if (r.reportMissing > 0 && r.reportMissing >= r.lastMissing) {
                r.stalledRounds++;
            } else {
                r.stalledRounds = 0;
            }
            r.lastMissing = r.reportMissing;
            if (r.stalledRounds >= config.maxStalledRounds()) {
                dropReceiver(r, Drop.REASON_NOT_PROGRESSING, "no progress in " + r.stalledRounds
                        + " rounds (still missing " + r.reportMissing + " packets)", out);
            } else if (r.reportMissing > 0) {
                allComplete = false;
            }
        }
        if (live().isEmpty()) {
            finish(now, "no receiver left");
        } else if (allComplete) {
            state = State.VERIFYING;
            nextVerifyAt = now;
            for (Receiver r : receivers.values()) {
                r.lastHeard = Math.max(r.lastHeard, now - config.receiverTimeout().toNanos() / 2);
            }
            log.accept("all receivers hold the image after " + round + " round(s); verifying");
        } else if (round >= MAX_ROUNDS) {
            finish(now, "gave up after " + round + " rounds");
        } else {
            nextRound(now);
        }
        return now;
    }

    /**
     * The largest round trip: what round reports measured (fading) and what each receiver measured
     * itself between its last JOIN and our answer; the initial guess before either; at most
     * {@link #MAX_GRTT}.
     */
    private long groupRoundTrip(List<Receiver> live) {
        long rtt = reportRtt;
        for (Receiver r : live) {
            rtt = Math.max(rtt, r.joinRtt);
        }
        return rtt == 0 ? INITIAL_GRTT : Math.min(MAX_GRTT, Math.max(200_000L, rtt));
    }

    /**
     * The share of the first pass's DATA the median receiver says it lost (its last STATUS). The
     * floor's tolerance already covers how far the worst of many such receivers strays from it;
     * taking the worst receiver's loss instead would let one outlier (a receiver in a long burst)
     * raise the repair of every group. Outliers report.
     */
    private static double firstPassLoss(List<Receiver> live) {
        double[] losses = new double[live.size()];
        int n = 0;
        for (Receiver r : live) {
            long sent = (r.highestSequence & 0xFFFF_FFFFL) + 1;
            if (r.statusSeen && r.highestSequence != 0 && !r.rejoined) {
                losses[n++] = 1 - Math.min(1, (r.received & 0xFFFF_FFFFL) / (double) sent);
            }
        }
        if (n == 0) {
            return 0;
        }
        java.util.Arrays.sort(losses, 0, n);
        return losses[n / 2];
    }

    private void nextRound(long now) {
        PacketBitmap swap = current;
        current = next;
        next = swap;
        next.clearAll();
        beginRound(round + 1, now);
    }

    /** Multicasts what the plan gained since the last PLAN: one entry per block, as many datagrams as needed. */
    private void sendPlan(Outbox out) {
        java.util.BitSet changed = plan.takeChanged();
        int perBlock = groups.groupsPerBlock();
        List<byte[]> entries = new ArrayList<>();
        for (int slot = changed.nextSetBit(0); slot >= 0; ) {
            int block = slot / perBlock;
            int first = slot % perBlock;
            int last = first;
            int nextSlot = changed.nextSetBit(slot + 1);
            while (nextSlot >= 0 && nextSlot / perBlock == block) {
                last = nextSlot % perBlock;
                nextSlot = changed.nextSetBit(nextSlot + 1);
            }
            ByteBuffer entry = ByteBuffer.allocate(Plan.ENTRY_FIXED_LENGTH + last - first + 1);
            entry.putInt(block).put((byte) first).put((byte) (last - first + 1));
            for (int g = first; g <= last; g++) {
                entry.put((byte) plan.need(block, g));
            }
            entries.add(entry.array());
            slot = nextSlot;
        }
        int maxBody = config.payloadSize();
        for (int i = 0; i < entries.size(); ) {
            int length = Plan.FIXED_LENGTH;
            int end = i;
            while (end < entries.size() && length + entries.get(end).length <= maxBody) {
                length += entries.get(end++).length;
            }
            ByteBuf frame = writer.begin(PacketType.PLAN, 0, length);
            Plan.writeFixed(frame, round);
            for (; i < end; i++) {
                frame.writeBytes(entries.get(i));
            }
            out.multicast(writer.finish(frame));
            planDatagrams++;
        }
    }

    private long pollVerifying(long now, Outbox out) {
        dropSilent(now, out);
        if (state != State.VERIFYING) {
            return now;
        }
        if (receivers.values().stream().noneMatch(r -> r.outcome == ReceiverOutcome.PENDING)) {
            long verified = receivers.values().stream().filter(r -> r.outcome == ReceiverOutcome.VERIFIED).count();
            finish(now, verified + " of " + receivers.size() + " receivers verified");
            return now;
        }
        if (now >= nextVerifyAt) {
            out.multicast(verify());
            nextVerifyAt = now + VERIFY_INTERVAL;
        }
        return nextVerifyAt;
    }

    private long pollFinished(long now, Outbox out) {
        if (finalNoticesLeft > 0 && now >= nextFinalNoticeAt) {
            out.multicast(drop(0, aborted ? Drop.REASON_ABORTED : Drop.REASON_FINISHED, "transfer over: " + endReason));
            finalNoticesLeft--;
            nextFinalNoticeAt = now + FINAL_NOTICE_INTERVAL;
        }
        return finalNoticesLeft > 0 ? nextFinalNoticeAt : Long.MAX_VALUE;
    }

    private void finish(long now, String reason) {
        if (state == State.FINISHED) {
            return;
        }
        endReason = reason;
        finishedAt = now;
        state = State.FINISHED;
        nextFinalNoticeAt = now;
        log.accept("finished: " + reason);
    }

    /** Aborts the transfer (an operator's cancel, a shutdown): receivers are told. */
    public void abort(long now, String reason) {
        for (Receiver r : receivers.values()) {
            if (r.outcome == ReceiverOutcome.PENDING) {
                r.outcome = ReceiverOutcome.DROPPED;
                r.message = "transfer aborted: " + reason;
            }
        }
        aborted = true;
        finish(now, "aborted: " + reason);
    }

    private void dropSilent(long now, Outbox out) {
        for (Receiver r : live()) {
            long silence = now - r.lastHeard;
            if (silence > config.receiverTimeout().toNanos()) {
                dropReceiver(r, Drop.REASON_SILENT, "silent for " + seconds(silence) + " s", out);
            }
        }
        if (state != State.FINISHED && live().isEmpty()
                && receivers.values().stream().noneMatch(r -> r.outcome == ReceiverOutcome.PENDING)) {
            long verified = receivers.values().stream().filter(r -> r.outcome == ReceiverOutcome.VERIFIED).count();
            finish(now, verified == 0 ? "no receiver left" : verified + " of " + receivers.size() + " receivers verified");
        }
    }

    private void dropReceiver(Receiver r, int reason, String message, Outbox out) {
        r.outcome = ReceiverOutcome.DROPPED;
        r.message = message;
        out.unicast(drop(r.nodeId, reason, message), r.address);
        log.accept("receiver " + r.label() + " dropped: " + message);
    }

    private void checkLoss(long now) {
        if (now < nextLossCheckAt) {
            return;
        }
        nextLossCheckAt = now + LOSS_INTERVAL;
        double worst = -1;
        double delivered = Double.NaN;
        for (Receiver r : live()) {
            if (!r.statusSeen) {
                continue;
            }
            long expected = (r.highestSequence - r.lossSequenceMark) & 0xFFFF_FFFFL;
            long got = (r.received - r.lossReceivedMark) & 0xFFFF_FFFFL;
            if (expected < 64) {
                // too few packets for a loss figure (a slow link): keep counting into the next
                // interval instead of starting again, or a low rate could never climb
                continue;
            }
            r.lossSequenceMark = r.highestSequence;
            r.lossReceivedMark = r.received;
            long since = r.lossMarkAt == 0 ? 0 : now - r.lossMarkAt;
            r.lossMarkAt = now;
            double loss = Math.max(0, 1 - (double) got / expected);
            if (expected < 0x8000_0000L && loss > worst) {
                worst = loss;
                delivered = since > 0 ? got * 1e9 / since : Double.NaN;
            }
        }
        if (worst >= 0) {
            worstLoss = worst;
            rate.onInterval(worst, delivered);
            if (DEBUG) {
                log.accept(String.format("debug: t %d ms loss %.3f rate %d channel waits %d token waits %d sent %d",
                        (now - startedAt) / 1_000_000L, worst,
                        rate.rate(), channelWaits, tokenWaits, dataPackets + repairPackets));
            }
        }
    }

    private List<Receiver> live() {
        List<Receiver> live = new ArrayList<>();
        for (Receiver r : receivers.values()) {
            if (r.outcome == ReceiverOutcome.PENDING && (state == State.WAITING || r.ready)) {
                live.add(r);
            }
        }
        return live;
    }

    // ------------------------------------------------------------------ frames

    private ByteBuf announce() {
        int announceState = switch (state) {
            case WAITING -> Announce.STATE_WAITING;
            case FINISHED -> Announce.STATE_FINISHED;
            default -> Announce.STATE_RUNNING;
        };
        ByteBuf out = writer.begin(PacketType.ANNOUNCE, 0, Announce.LENGTH);
        Announce.writeBody(out, salt, announceState, config.payloadSize(), manifest.blockSize(), manifest.imageSize(),
                manifest.blockCount(), manifestBytes.length, chunkSize, config.expectedReceivers(), local,
                statusIntervalMillis(), manifest.sha256());
        return writer.finish(out);
    }

    /** Each receiver's STATUS interval: spread as the group grows, so the sender reads about 500 a second. */
    private int statusIntervalMillis() {
        long ms = Math.max(MIN_STATUS_INTERVAL_MS, receivers.size() * STATUS_PER_RECEIVER_MS);
        return (int) Math.min(ms, Math.max(MIN_STATUS_INTERVAL_MS, config.receiverTimeout().toMillis() / 4));
    }

    private ByteBuf manifestChunk(int chunk, byte[] challenge) {
        int from = chunk * chunkSize;
        int length = Math.min(chunkSize, manifestBytes.length - from);
        ByteBuf out = writer.begin(PacketType.MANIFEST, 0, ManifestChunk.FIXED_LENGTH + length);
        ManifestChunk.writeBody(out, chunk, chunkCount, challenge, manifestBytes, from, length);
        return writer.finish(out);
    }

    private ByteBuf accept(int verdict, byte[] challenge) {
        ByteBuf out = writer.begin(PacketType.ACCEPT, 0, Accept.LENGTH);
        Accept.writeBody(out, verdict, receivers.size(), challenge);
        return writer.finish(out);
    }

    private void loadBlock(int block) {
        if (round > 1) {
            for (int w = 0; w < windowCount; w++) {
                if (window[w] == block) {
                    blockBuffer = windowCopies[w];
                    return;
                }
            }
        }
        if (cachedBlock != block) {
            try {
                blockBuffer = blocks.stored(block);
            } catch (IOException e) {
                throw new UncheckedIOException("reading block " + block + " of the image", e);
            }
            cachedBlock = block;
        }
    }

    private ByteBuf data(int block, int packet, int length) {
        loadBlock(block);
        ByteBuf out = writer.begin(PacketType.DATA, 0, Data.FIXED_LENGTH + length);
        Data.writeFixed(out, block, packet, round);
        int from = packet * config.payloadSize();
        out.writeBytes(blockBuffer.duplicate().limit(from + length).position(from));
        return writer.finish(out);
    }

    private ByteBuf roundEnd(long now, int live) {
        ByteBuf out = writer.begin(PacketType.ROUND_END, 0, RoundEnd.LENGTH);
        RoundEnd.writeBody(out, round, (int) Math.min(Integer.MAX_VALUE, sentInRound), (int) (now / 1000),
                (int) (windowNanos / 1000), live, (int) floor.lossPpm(), (int) floor.tolerancePpb());
        return writer.finish(out);
    }

    /** Parity symbol {@code index} of a group: the sum over its sources of coefficient × packet, in GF(256). */
    private ByteBuf parity(int block, int group, int index, int length) {
        loadBlock(block);
        int sources = groups.sources(block, group);
        java.util.Arrays.fill(symbol, 0, length, (byte) 0);
        for (int j = 0; j < sources; j++) {
            int packet = groups.packet(block, group, j);
            ParityCode.mulAdd(ParityCode.coefficient(sources, index, j), blockBuffer, packet * config.payloadSize(), symbol,
                    0, layout.packetLength(block, packet));
        }
        if (corruptParity.test(parityPackets)) {
            symbol[0] ^= 0x5A;
        }
        ByteBuf out = writer.begin(PacketType.PARITY, 0, Parity.FIXED_LENGTH + length);
        Parity.writeFixed(out, block, group, index, round);
        out.writeBytes(symbol, 0, length);
        return writer.finish(out);
    }

    private ByteBuf verify() {
        ByteBuf out = writer.begin(PacketType.VERIFY, 0, Verify.LENGTH);
        Verify.writeBody(out, round);
        return writer.finish(out);
    }

    private ByteBuf drop(int target, int reason, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = writer.begin(PacketType.DROP, 0, Drop.bodyLength(text));
        Drop.writeBody(out, target, reason, text);
        return writer.finish(out);
    }

    // ------------------------------------------------------------------ reporting

    public State state() {
        return state;
    }

    @Override
    public boolean finished() {
        return state == State.FINISHED && finalNoticesLeft == 0;
    }

    public String startReason() {
        return startReason;
    }

    public String endReason() {
        return endReason;
    }

    public int round() {
        return round;
    }

    public long currentRateBitsPerSecond() {
        return rate.rate();
    }

    public long rateDecreases() {
        return rate.decreases();
    }


    /** Receivers that came back during the transfer in place of an earlier self. */
    public int rejoins() {
        return rejoins;
    }

    public long dataPackets() {
        return dataPackets;
    }

    public long repairPackets() {
        return repairPackets;
    }

    /** Parity symbols sent, ahead with the first pass and in repair rounds ({@link #repairPackets} counts the latter too). */
    public long parityPackets() {
        return parityPackets;
    }

    /** Round reports (STATUS datagrams answering ROUND_END) read, in all and in the busiest round. */
    public long roundReports() {
        return reportsTotal;
    }

    public long mostRoundReportsInARound() {
        return Math.max(reportsMostInRound, reportsThisRound);
    }

    public long planDatagrams() {
        return planDatagrams;
    }

    /** The group round-trip time the sender measured (its initial guess until a receiver answered a ROUND_END). */
    public long groupRoundTripNanos() {
        return grtt;
    }

    /** Block bytes (their stored forms) multicast so far, first pass and repairs (headers not counted). */
    public long payloadBytesSent() {
        return payloadBytesSent;
    }

    /** Share of the first pass sent, 0..1 (1 once repairs run). */
    public double firstPassShare() {
        long total = manifest.storedBytes();
        return total == 0 ? 1 : Math.min(1, (double) round1PayloadSent / total);
    }

    public long badNaks() {
        return badNaks;
    }

    public PacketCounters counters() {
        return counters;
    }

    /** Nanoseconds from the start of the data to the end, or 0 if it never started. */
    public long transferNanos() {
        return startedAt == 0 || finishedAt == 0 ? 0 : finishedAt - startedAt;
    }

    public List<ReceiverResult> results() {
        List<ReceiverResult> out = new ArrayList<>();
        for (Receiver r : receivers.values()) {
            out.add(new ReceiverResult(r.nodeId, r.host, r.address.getAddress().getHostAddress(), r.outcome,
                    r.sha256, r.message));
        }
        return out;
    }

    private static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }

    /** What the sender knows of one receiver. */
    private static final class Receiver {
        final int nodeId;
        final String host;
        final InetSocketAddress address;
        final ReplayWindow window = new ReplayWindow();
        byte[] challenge;
        boolean ready;
        /** Came back during the transfer, in place of an earlier self ({@link #rejoin}). */
        boolean rejoined;
        long lastHeard;
        ReceiverOutcome outcome = ReceiverOutcome.PENDING;
        String sha256 = "";
        String message = "";
        boolean statusSeen;
        int received;
        int highestSequence;
        int lossReceivedMark;
        int lossSequenceMark;
        long lossMarkAt;
        long joinRtt;
        int completeBlocks;
        int reportRound = -1;
        int reportPartsExpected;
        final BitSet reportParts = new BitSet();
        int reportedRound = -1;
        long reportMissing = Long.MAX_VALUE;
        long lastMissing = Long.MAX_VALUE;
        int stalledRounds;

        Receiver(int nodeId, String host, InetSocketAddress address) {
            this.nodeId = nodeId;
            this.host = host;
            this.address = address;
        }

        String label() {
            return (host.isEmpty() ? "" : host + " ") + address.getAddress().getHostAddress();
        }
    }
}
