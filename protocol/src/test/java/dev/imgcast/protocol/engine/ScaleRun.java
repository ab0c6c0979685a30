package dev.imgcast.protocol.engine;

import dev.imgcast.protocol.wire.Header;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.Status;
import dev.imgcast.protocol.wire.TransferKeys;
import io.netty.buffer.ByteBuf;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One transfer between the real engines over {@link MemoryNetwork} in simulated time, at any
 * number of receivers, and what it cost: copies verified, bytes on the wire against the image,
 * rounds, feedback at the sender, completion time, and the simulation's own time and memory.
 *
 * <p>It reads the engines only through their public API and counts datagrams by the type byte of
 * their clear header, so engines that add datagram types are measured the same way (an unknown
 * type is counted as "type N").
 */
final class ScaleRun {
    static final byte[] KEY = TransferKeys.random();
    /** Ethernet header and FCS, IPv4 and UDP headers: what each datagram costs on the wire beyond itself. */
    static final int WIRE_OVERHEAD = 18 + 20 + 8;

    /** What the receivers' links do to datagrams from the sender. */
    record Scenario(String label, double loss, double burst, double slowShare, double slowFactor) {
        static Scenario independent(double p) {
            return new Scenario("independent " + percent(p), p, 0, 0, 0);
        }

        static Scenario bursty(double meanLoss, double meanBurst) {
            return new Scenario("Gilbert–Elliott " + percent(meanLoss) + ", bursts of " + (int) meanBurst, meanLoss,
                    meanBurst, 0, 0);
        }

        /**
         * A share of the receivers (at least one, spread over them) on links of {@code factor} (± 1%) times the
         * sender's maximum rate, no other loss.
         */
        static Scenario slow(double share, double factor) {
            return new Scenario(percent(share) + " slow at " + factor + "× rate", 0, 0, share, factor);
        }

        int slowCount(int receivers) {
            return slowShare <= 0 ? 0 : Math.max(1, (int) Math.round(receivers * slowShare));
        }

        /** @param packetNanos a full-size datagram's time at the sender's maximum rate: a burst's packets are such times */
        LossModel model(long packetNanos, long seed) {
            return burst > 0 ? LossModel.gilbertElliott(loss, burst, packetNanos, seed) : LossModel.independent(loss, seed);
        }

        private static String percent(double share) {
            double p = share * 100;
            return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
        }
    }

    /**
     * @param imageBytes size of the random image (no zero blocks, incompressible: sent raw)
     * @param delayNanos one-way delay of every datagram
     */
    record Config(int receivers, Scenario scenario, int imageBytes, int blockSize, long maxBitsPerSecond, long seed,
            long delayNanos, double maxSimulatedSeconds) {
        Config withReceivers(int n) {
            return new Config(n, scenario, imageBytes, blockSize, maxBitsPerSecond, seed, delayNanos, maxSimulatedSeconds);
        }
    }

    /**
     * @param completionNanos simulated time from the first DATA datagram to the sender's end (-1: it did not end)
     * @param feedbackMaxRound most datagrams from receivers the sender received while its round did not change (rounds ≥ 1)
     */
    record Result(Config config, int verified, int dropped, int failed, int unfinished, List<String> problems,
            long multicastDatagrams, long multicastWireBytes, Map<String, Long> multicastByType, long payloadBytes,
            long storedBytes, int rounds, long feedback, long feedbackMaxRound, Map<String, Long> feedbackByType,
            long status, long roundReports, long completionNanos, String endReason, long wallNanos, long cpuNanos,
            long directBytes, long heapBytes, long slowDrops, long rateDecreases) {
        /** Every multicast datagram of the sender with its wire overhead, per byte of the image's stored form. */
        double wireRatio() {
            return (double) multicastWireBytes / storedBytes;
        }

        /** Block bytes multicast (first pass and repairs, as the sender counts them) per byte of the stored form. */
        double payloadRatio() {
            return (double) payloadBytes / storedBytes;
        }

        boolean finished() {
            return completionNanos >= 0;
        }
    }

    private static byte[] cachedImage;
    private static long cachedSeed;

    private ScaleRun() {
    }

    /** A random image: every block incompressible and non-zero, so every byte travels and a target can check it. */
    static synchronized byte[] image(int size, long seed) {
        if (cachedImage == null || cachedImage.length != size || cachedSeed != seed) {
            cachedImage = new byte[size];
            new Random(seed).nextBytes(cachedImage);
            cachedSeed = seed;
        }
        return cachedImage;
    }

    static Result run(Config c) {
        long wallStart = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        byte[] image = image(c.imageBytes(), c.seed());
        SenderConfig senderConfig = new SenderConfig(1400, c.maxBitsPerSecond(), c.receivers(), Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(5), 8);
        MemoryNetwork net = new MemoryNetwork(image, c.blockSize(), senderConfig, KEY, c.receivers(), 30_000_000_000L, 0,
                null, i -> new ScaleTarget(image));
        net.delayNanos = c.delayNanos();
        net.pollOnWake = true;
        int slow = c.scenario().slowCount(c.receivers());
        long packetNanos = Math.round(SlowLink.FULL_DATAGRAM * 8e9 / c.maxBitsPerSecond());
        int stride = slow > 0 ? Math.max(1, c.receivers() / slow) : 1;
        for (int i = 0; i < c.receivers(); i++) {
            MemoryNetwork.Node node = net.receivers.get(i);
            if (slow > 0 && i % stride == 0 && i / stride < slow) { // spread over the receivers
                // Within 1% of the factor, and a random start: links fed the same datagrams at exactly
                // the same capacity would drop the same ones in lockstep, as no two real ports do.
                Random link = new Random(c.seed() * 1_000_003L + i);
                double factor = c.scenario().slowFactor() * (0.99 + 0.02 * link.nextDouble());
                node.slowLink = new SlowLink((long) (c.maxBitsPerSecond() * factor), link.nextDouble());
                node.lossModel = LossModel.none();
            } else {
                node.lossModel = c.scenario().model(packetNanos, c.seed() * 1_000_003L + i);
            }
        }
        Counts counts = new Counts();
        net.tapSender = (datagram, to) -> {
            if (to == null) {
                counts.multicast(datagram, net.now);
            }
        };
        net.atSender = (node, datagram) -> counts.feedback(datagram, net.sender.round());
        long[] endAt = {-1};
        boolean ended = net.run(c.maxSimulatedSeconds(), n -> {
            if (endAt[0] < 0 && n.sender.state() == SenderEngine.State.FINISHED) {
                endAt[0] = n.now;
            }
        });
        if (endAt[0] < 0 && net.sender.state() == SenderEngine.State.FINISHED) {
            endAt[0] = net.now;
        }
        int verified = 0;
        int failed = 0;
        int unfinished = 0;
        long slowDrops = 0;
        Map<String, Integer> problems = new TreeMap<>();
        for (MemoryNetwork.Node node : net.receivers) {
            ScaleTarget target = (ScaleTarget) node.image;
            if (node.slowLink != null) {
                slowDrops += node.slowLink.dropped();
            }
            if (node.engine.verified()) {
                verified++;
                if (!target.holdsImage()) {
                    problems.merge("verified, but the target differs in " + target.differingBytes() + " bytes", 1, Integer::sum);
                }
            } else if (!node.engine.finished()) {
                unfinished++;
                problems.merge("not finished: " + node.engine.state(), 1, Integer::sum);
            } else {
                failed++;
                problems.merge(node.engine.failure() + ": " + generic(node.engine.message()), 1, Integer::sum);
            }
        }
        int dropped = (int) net.sender.results().stream().filter(r -> r.outcome() == ReceiverOutcome.DROPPED).count();
        if (!ended) {
            problems.merge("run not over after " + c.maxSimulatedSeconds() + " simulated s (sender " + net.sender.state()
                    + ", round " + net.sender.round() + ")", 1, Integer::sum);
        }
        long wall = System.nanoTime() - wallStart;
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
        long direct = retainedDirectMemory();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        Result result = new Result(c, verified, dropped, failed, unfinished,
                problems.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey()).toList(), counts.multicast,
                counts.multicastWire, counts.multicastTypes, net.sender.payloadBytesSent(), net.manifest.storedBytes(),
                net.sender.round(), counts.feedback, counts.maxRound(), counts.feedbackTypes, counts.status,
                counts.roundReports, endAt[0] >= 0 && counts.firstDataAt >= 0 ? endAt[0] - counts.firstDataAt : -1,
                String.valueOf(net.sender.endReason()), wall, cpu, direct, heap, slowDrops, net.sender.rateDecreases());
        net.close();
        return result;
    }

    /** A message with its numbers blanked, so that the same problem on many receivers counts as one. */
    private static String generic(String message) {
        return message.replaceAll("[0-9]+(\\.[0-9]+)?", "N");
    }

    /**
     * Direct buffer memory still in use once garbage is collected: what this run holds (its
     * network is still referenced), without earlier runs' buffers. Those are freed by their
     * cleaners on another thread after a collection, so collect until the figure stops falling.
     */
    private static long retainedDirectMemory() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 40; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = directMemory();
            if (now >= last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static long directMemory() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    static String typeName(int code) {
        PacketType type = PacketType.of(code);
        return type != null ? type.name() : "type " + code;
    }

    /** What the taps saw. */
    private static final class Counts {
        long multicast;
        long multicastWire;
        long firstDataAt = -1;
        final Map<String, Long> multicastTypes = new TreeMap<>();
        long feedback;
        long status;
        long roundReports;
        final Map<String, Long> feedbackTypes = new TreeMap<>();
        final Map<Integer, Long> perRound = new HashMap<>();

        void multicast(ByteBuf datagram, long now) {
            multicast++;
            multicastWire += datagram.readableBytes() + WIRE_OVERHEAD;
            int type = Header.type(datagram);
            multicastTypes.merge(typeName(type), 1L, Long::sum);
            if (type == PacketType.DATA.code() && firstDataAt < 0) {
                firstDataAt = now;
            }
        }

        void feedback(ByteBuf datagram, int round) {
            feedback++;
            int type = Header.type(datagram);
            feedbackTypes.merge(typeName(type), 1L, Long::sum);
            perRound.merge(round, 1L, Long::sum);
            if (type == PacketType.STATUS.code()) {
                status++;
                if ((Header.flags(datagram) & Status.FLAG_ROUND_REPORT) != 0) {
                    roundReports++;
                }
            }
        }

        long maxRound() {
            return perRound.entrySet().stream().filter(e -> e.getKey() >= 1).mapToLong(Map.Entry::getValue).max().orElse(0);
        }
    }
}
