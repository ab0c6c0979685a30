package dev.imgcast.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** What the API shows of an image. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageView(String id, long size, int blockSize, int blockCount, int zeroBlocks, String sha256,
                        Instant storedAt, List<String> inUseBy) {
    static ImageView of(StoredImage i, List<String> inUseBy) {
        return new ImageView(i.id, i.sizeBytes == null ? 0 : i.sizeBytes, i.blockSize,
                i.blockCount == null ? 0 : i.blockCount, i.zeroBlocks == null ? 0 : i.zeroBlocks, i.sha256, i.storedAt,
                inUseBy);
    }
}
