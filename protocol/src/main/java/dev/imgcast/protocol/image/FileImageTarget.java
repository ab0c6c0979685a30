package dev.imgcast.protocol.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * A receiver's target on the local machine: a regular file (created or replaced) or a block
 * device (written in place, never smaller than the image). Nothing is opened for writing before
 * {@link #prepare}.
 */
public final class FileImageTarget implements ImageTarget {
    private final Path path;
    private FileChannel channel;
    private boolean blockDevice;

    public FileImageTarget(Path path) {
        this.path = path;
    }

    @Override
    public String check(long imageSize, long bytesToWrite) {
        try {
            if (Files.exists(path)) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
                if (attributes.isDirectory()) {
                    return path + " is a directory; name a file or a block device";
                }
                if (!Files.isWritable(path)) {
                    return path + " is not writable";
                }
                if (attributes.isOther()) {
                    long size = BlockDevices.size(path);
                    if (size < 0) {
                        return "cannot tell the size of device " + path;
                    }
                    if (size < imageSize) {
                        return "device " + path + " holds " + Sizes.human(size) + ", the image needs "
                                + Sizes.human(imageSize);
                    }
                    return null;
                }
            }
            Path directory = path.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory)) {
                return "directory " + directory + " does not exist";
            }
            if (!Files.isWritable(directory)) {
                return "directory " + directory + " is not writable";
            }
            long existing = Files.exists(path) ? Files.size(path) : 0;
            long usable = Files.getFileStore(directory).getUsableSpace() + existing;
            if (usable < bytesToWrite) {
                return "not enough space in " + directory + ": " + Sizes.human(usable) + " free, the image needs "
                        + Sizes.human(bytesToWrite) + " (" + Sizes.human(imageSize) + " with zero blocks as holes)";
            }
            return null;
        } catch (IOException e) {
            return "cannot inspect " + path + ": " + e.getMessage();
        }
    }

    @Override
    public void prepare(long imageSize) throws IOException {
        blockDevice = Files.exists(path) && Files.readAttributes(path, PosixFileAttributes.class).isOther();
        if (blockDevice) {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } else {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            // A sparse file of the final size: zero blocks stay holes and read back as zeros.
            if (imageSize > 0) {
                channel.write(ByteBuffer.allocate(1), imageSize - 1);
            }
        }
    }

    @Override
    public boolean unwrittenReadsZero() {
        return !blockDevice;
    }

    @Override
    public void write(ByteBuffer source, long offset) throws IOException {
        while (source.hasRemaining()) {
            offset += channel.write(source, offset);
        }
    }

    @Override
    public void read(ByteBuffer into, long offset) throws IOException {
        ManifestScanner.readFully(channel, into, offset);
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failure: the failure is what gets reported
            }
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
