package dev.imgcast.sender.service;

import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.PackedBlocks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Images from image-store, in their packed form (the stored blocks, compressed once by the store;
 * the manifest is the index), kept in a local cache named by the image's SHA-256 and its
 * manifest: a repair round needs random access, so the sender reads a local file. The download
 * is streamed and every block checked against the manifest's CRC32C of its stored form before
 * the file is used; a damaged or short download is deleted, never sent.
 */
public class ImageStoreCache implements ImageSource {
    private static final Logger LOG = Logger.getLogger(ImageStoreCache.class);

    private final String storeUrl;
    private final String user;
    private final String password;
    private final Path cache;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** image-store at {@code storeUrl}, read as {@code user}; the local copies in {@code cache}. */
    public ImageStoreCache(String storeUrl, String user, String password, Path cache) {
        this.storeUrl = storeUrl;
        this.user = user;
        this.password = password;
        this.cache = cache;
    }

    @Override
    public synchronized LocalImage fetch(String imageId) throws IOException, InterruptedException {
        byte[] manifestBytes = get("/api/images/" + imageId + "/manifest", HttpResponse.BodyHandlers.ofByteArray());
        Manifest manifest;
        try {
            manifest = Manifest.parse(manifestBytes);
        } catch (IllegalArgumentException e) {
            throw new IOException("image-store sent a manifest for " + imageId + " that does not parse: " + e.getMessage());
        }
        Files.createDirectories(cache);
        // The packed form depends on the manifest (block size, zstd level), not only on the image.
        String name = manifest.sha256Hex() + "-" + HexFormat.of().formatHex(sha256(manifestBytes), 0, 8);
        Path file = cache.resolve(name + ".blocks");
        long length = PackedBlocks.length(manifest);
        if (Files.isRegularFile(file) && Files.size(file) == length) {
            return new LocalImage(manifest, file);
        }
        Path part = cache.resolve(name + ".part");
        long started = System.nanoTime();
        try (InputStream in = get("/api/images/" + imageId + "/blocks", HttpResponse.BodyHandlers.ofInputStream());
                OutputStream out = Files.newOutputStream(part)) {
            PackedBlocks.Checker checker = new PackedBlocks.Checker(manifest);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                checker.accept(ByteBuffer.wrap(buffer, 0, n));
                out.write(buffer, 0, n);
            }
            checker.finish();
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw new IOException("image " + imageId + " from image-store: " + e.getMessage(), e);
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.infof("image %s fetched from image-store: %d stored bytes for %d bytes of image (%.1f s)", imageId, length,
                manifest.imageSize(), (System.nanoTime() - started) / 1e9);
        return new LocalImage(manifest, file);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T get(String path, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(storeUrl.replaceAll("/$", "") + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<T> response = http.send(request, handler);
        if (response.statusCode() != 200) {
            if (response.body() instanceof InputStream unread) {
                unread.close();
            }
            throw new IOException("image-store answered " + response.statusCode() + " for " + path);
        }
        return response.body();
    }
}
