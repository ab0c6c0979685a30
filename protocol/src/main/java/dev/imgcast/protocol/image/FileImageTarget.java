package dev.imgcast.protocol.image;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * A receiver's target on the local machine: a regular file (created or replaced) or a block
 * device (written in place, never smaller than the image, never while anything uses it). Nothing
 * is opened for writing before {@link #prepare}. A block device is verified from the device: the
 * read-back opens it a second time with {@code O_DIRECT}, past the page cache.
 */
public final class FileImageTarget implements ImageTarget {
    private static final int MIN_ALIGNMENT = 4096;

    private final Path path;
    private final boolean resume;
    private FileChannel channel;
    private FileChannel direct;
    private int alignment;
    private ByteBuffer aligned;
    private boolean blockDevice;
    private boolean keptContent;

    public FileImageTarget(Path path) {
        this(path, false);
    }

    /** With {@code resume}, what the target already holds is kept: blocks that match the image are not received again. */
    public FileImageTarget(Path path, boolean resume) {
        this.path = path;
        this.resume = resume;
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
                    return BlockDevices.whyBusy(path);
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
            String busy = BlockDevices.whyBusy(path); // again: something may have mounted it since the check
            if (busy != null) {
                throw new IOException(busy);
            }
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
            openDirect();
            keptContent = true;
        } else if (resume && Files.exists(path) && Files.size(path) > 0) {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
            if (channel.size() > imageSize) {
                channel.truncate(imageSize);
            } else if (channel.size() < imageSize) {
                channel.write(ByteBuffer.allocate(1), imageSize - 1);
            }
            keptContent = true;
        } else {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            // A sparse file of the final size: zero blocks stay holes and read back as zeros.
            if (imageSize > 0) {
                channel.write(ByteBuffer.allocate(1), imageSize - 1);
            }
        }
    }

    /** The second, uncached descriptor of a block device; without it (no O_DIRECT here) verification reads cached. */
    private void openDirect() {
        try {
            int blockSize = (int) Math.min(1 << 20, Files.getFileStore(path).getBlockSize());
            alignment = Math.max(MIN_ALIGNMENT, blockSize);
            direct = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            direct = null;
        }
    }

    @Override
    public boolean unwrittenReadsZero() {
        return !keptContent;
    }

    @Override
    public boolean resumes() {
        return resume;
    }

    @Override
    public boolean verifiesOnDevice() {
        return direct != null;
    }

    @Override
    public void readFromDevice(ByteBuffer into, long offset) throws IOException {
        if (direct == null) {
            read(into, offset);
            return;
        }
        // O_DIRECT wants the offset, the length and the buffer's address aligned to the device's block size
        long start = offset - Math.floorMod(offset, alignment);
        int lead = (int) (offset - start);
        int wanted = lead + into.remaining();
        int length = (wanted + alignment - 1) / alignment * alignment;
        if (aligned == null || aligned.capacity() < length) {
            aligned = ByteBuffer.allocateDirect(length + alignment).alignedSlice(alignment);
        }
        ByteBuffer buffer = aligned.clear().limit(length);
        while (buffer.position() < wanted) {
            int n = direct.read(buffer, start + buffer.position());
            if (n <= 0 || buffer.position() % alignment != 0) {
                break; // the end of the device
            }
        }
        if (buffer.position() < wanted) {
            throw new EOFException(path + " ends at " + (start + buffer.position()) + ", before " + (offset + into.remaining()));
        }
        into.put(buffer.flip().position(lead).limit(wanted));
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
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException ignored) {
                // only read from
            }
        }
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
