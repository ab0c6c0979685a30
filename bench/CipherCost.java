import dev.imgcast.protocol.wire.FrameWriter;
import dev.imgcast.protocol.wire.PacketCipher;
import dev.imgcast.protocol.wire.PacketType;
import dev.imgcast.protocol.wire.TransferKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What encryption costs per byte, on one core: a DATA datagram of 1400 payload bytes sealed and
 * opened with wire format v2's AES-256-GCM (PacketCipher), against authenticating and checking the
 * same bytes with v1's HMAC-SHA-256 (what every datagram cost before v2), in the same JVM, with
 * pooled direct buffers as the engines use them.
 * Run: java -cp client-agent/target/img.jar bench/CipherCost.java [seconds per measurement]
 */
public final class CipherCost {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        byte[] master = TransferKeys.random();
        TransferKeys.Ciphers keys = TransferKeys.forTransfer(master, TransferKeys.salt(), 1);
        FrameWriter writer = new FrameWriter(PooledByteBufAllocator.DEFAULT, keys.sender(), 1, 0, 0);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(master, "HmacSHA256"));
        byte[] payload = new byte[1400];
        byte[] tag = new byte[32];
        for (int warm = 0; warm < 2; warm++) {
            run("warm-up", seconds / 2, () -> gcm(writer, keys.sender(), payload));
            run("warm-up", seconds / 2, () -> hmac(mac, payload, tag));
        }
        double gcm = run("AES-256-GCM seal + open (v2)", seconds, () -> gcm(writer, keys.sender(), payload));
        double hmac = run("HMAC-SHA-256 sign + check (v1)", seconds, () -> hmac(mac, payload, tag));
        for (double mbit : new double[] {500, 1000}) {
            double bytes = mbit * 1e6 / 8;
            System.out.printf(Locale.ROOT, "at %.0f Mbit/s of payload: GCM %.1f%% of a core per end, HMAC %.1f%%%n", mbit,
                    100 * bytes / gcm / 2, 100 * bytes / hmac / 2);
        }
    }

    /** Seals one datagram and opens it again (a sender's and a receiver's work). */
    private static void gcm(FrameWriter writer, PacketCipher cipher, byte[] payload) {
        ByteBuf b = writer.begin(PacketType.DATA, 0, 8 + payload.length);
        b.writeLong(0).writeBytes(payload);
        writer.finish(b);
        if (!cipher.open(b, 0)) {
            throw new IllegalStateException("did not open");
        }
        b.release();
    }

    private static void hmac(Mac mac, byte[] payload, byte[] tag) {
        try {
            for (int i = 0; i < 2; i++) {
                mac.update(payload);
                mac.doFinal(tag, 0);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Payload bytes per second through {@code step} (each step = 1400 bytes, both ends). */
    private static double run(String name, double seconds, Runnable step) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long started = System.nanoTime();
        long steps = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 256; i++) {
                step.run();
            }
            steps += 256;
        }
        double rate = steps * 1400.0 / ((System.nanoTime() - started) / 1e9);
        if (!name.equals("warm-up")) {
            System.out.printf(Locale.ROOT, "%-32s %7.0f MB/s of payload per core (both ends' work)%n", name, rate / 1e6);
        }
        return rate;
    }
}
