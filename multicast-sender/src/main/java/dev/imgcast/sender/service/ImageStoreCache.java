package dev.imgcast.sender.service;

import dev.imgcast.protocol.image.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Images from image-store, kept in a local cache named by SHA-256: a repair round needs random
 * access, so the sender reads a local file. The download is streamed and its SHA-256 checked
 * against the manifest before it is used.
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
        Manifest manifest = Manifest.parse(get("/api/images/" + imageId + "/manifest", HttpResponse.BodyHandlers
                .ofByteArray()));
        Files.createDirectories(cache);
        Path file = cache.resolve(manifest.sha256Hex() + ".img");
        if (Files.isRegularFile(file) && Files.size(file) == manifest.imageSize()) {
            return new LocalImage(manifest, file);
        }
        Path part = cache.resolve(manifest.sha256Hex() + ".part");
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long started = System.nanoTime();
        try (InputStream in = new DigestInputStream(get("/api/images/" + imageId + "/content",
                HttpResponse.BodyHandlers.ofInputStream()), digest); OutputStream out = Files.newOutputStream(part)) {
            in.transferTo(out);
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        if (!sha.equals(manifest.sha256Hex())) {
            Files.deleteIfExists(part);
            throw new IOException("image " + imageId + " from image-store has SHA-256 " + sha + ", its manifest says "
                    + manifest.sha256Hex());
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.infof("image %s fetched from image-store (%d bytes, %.1f s)", imageId, Files.size(file),
                (System.nanoTime() - started) / 1e9);
        return new LocalImage(manifest, file);
    }

    private <T> T get(String path, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(storeUrl.replaceAll("/$", "") + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<T> response = http.send(request, handler);
        if (response.statusCode() != 200) {
            throw new IOException("image-store answered " + response.statusCode() + " for " + path);
        }
        return response.body();
    }
}
