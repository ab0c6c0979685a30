package dev.imgcast.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What the API shows of an image; {@code wireBytes} is what one pass over it puts on the wire
 * (non-zero blocks, compressed where that paid), {@code compression} the zstd level (0: none).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageView(String id, long size, int blockSize, int blockCount, int zeroBlocks, long wireBytes,
                        int compression, String sha256, Instant storedAt, List<String> inUseBy) {
}
