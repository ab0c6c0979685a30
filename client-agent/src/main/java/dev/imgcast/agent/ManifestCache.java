package dev.imgcast.agent;

import com.github.luben.zstd.util.ZstdVersion;
import dev.imgcast.protocol.image.BlockSource;
import dev.imgcast.protocol.image.ImageBlocks;
import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.protocol.image.ManifestScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Manifests of image files, kept so that sending the same unchanged file again does not read it
 * twice (the image store keeps them for stored images). A file is "unchanged" when its path,
 * size and modification time are; block devices are always scanned.
 */
final class ManifestCache {
    private final Path directory;

    ManifestCache(Path directory) {
        this.directory = directory;
    }

    static ManifestCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new ManifestCache(base.resolve("imgcast").resolve("manifests"));
    }

    /** The manifest of the image, from the cache when valid, else by reading the image. */
    Manifest manifest(Path image, BlockSource source, long size, int blockSize, int level, boolean cacheable,
            LongConsumer progress) throws IOException {
        Path entry = cacheable ? entry(image, size, blockSize, level) : null;
        if (entry != null && Files.isRegularFile(entry)) {
            try {
                Manifest cached = Manifest.parse(Files.readAllBytes(entry));
                if (cached.imageSize() == size && cached.blockSize() == blockSize && cached.level() == level) {
                    return cached;
                }
            } catch (IOException | IllegalArgumentException e) {
                // a damaged cache entry is rescanned and replaced
            }
        }
        Manifest manifest = ManifestScanner.scan(source, size, blockSize, level, ImageBlocks.defaultThreads(), progress);
        if (entry != null) {
            try {
                Files.createDirectories(directory);
                Path temp = Files.createTempFile(directory, "manifest", ".tmp");
                Files.write(temp, manifest.serialize());
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // no cache, no harm: the next send scans again
            }
        }
        return manifest;
    }

    private Path entry(Path image, long size, int blockSize, int level) throws IOException {
        long modified = Files.getLastModifiedTime(image).toMillis();
        // The zstd version is part of the key: the sender compresses again and must get the same bytes.
        String key = image.toRealPath() + "|" + size + "|" + modified + "|" + blockSize + "|" + level + "|"
                + ZstdVersion.VERSION;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".manifest");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
