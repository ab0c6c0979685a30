package dev.imgcast.sender.service;

import com.sun.net.httpserver.HttpServer;
import dev.imgcast.protocol.image.BlockCodec;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import dev.imgcast.protocol.image.MemoryImage;
import dev.imgcast.protocol.image.PackedBlocks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * image-store's two read routes as the sender uses them, on loopback: {@code /manifest} (compressed
 * at upload) and {@code /blocks} (the packed form), made with the same protocol code the store
 * uses. A test may replace what {@code /blocks} serves to play a damaged store.
 */
final class StoreStandIn implements AutoCloseable {
    final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();
    final AtomicInteger blockRequests = new AtomicInteger();
    final AtomicInteger manifestRequests = new AtomicInteger();
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private final HttpServer server;

    StoreStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/images/", exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");  // "", api, images, id, what
            byte[] image = stored.get(path[3]);
            byte[] body = null;
            if (image != null && path[4].equals("manifest")) {
                manifestRequests.incrementAndGet();
                body = manifest(image).serialize();
            } else if (image != null && path[4].equals("blocks")) {
                blockRequests.incrementAndGet();
                body = corrupted.getOrDefault(path[3], packed(image));
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Stores an image of {@code mib} MiB that compresses in part, as disks do: per MiB a quarter random, the rest text. */
    byte[] store(String id, int mib) {
        byte[] image = new byte[mib << 20];
        Random random = new Random(id.hashCode());
        byte[] text = ("image " + id + ": /etc/passwd root:x:0:0:root:/root:/bin/bash\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < image.length; i++) {
            image[i] = (i & 0xfffff) < (1 << 18) ? (byte) random.nextInt() : text[i % text.length];
        }
        stored.put(id, image);
        return image;
    }

    /** The manifest image-store keeps: compressed at upload. */
    static Manifest manifest(byte[] image) {
        try {
            return ManifestScanner.scan(new MemoryImage(image), image.length, 1 << 20, BlockCodec.AUTO_LEVEL, 0, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packed form image-store serves at /blocks. */
    static byte[] packed(byte[] image) {
        Manifest manifest = manifest(image);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageBlocks blocks = new ImageBlocks(new MemoryImage(image), manifest, 0)) {
            PackedBlocks.write(blocks, manifest, Channels.newChannel(out), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
