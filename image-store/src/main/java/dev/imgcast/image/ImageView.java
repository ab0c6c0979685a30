package dev.imgcast.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** What the API shows of an image. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageView(String id, long size, int blockSize, int blockCount, int zeroBlocks, String sha256,
                        Instant storedAt, List<String> inUseBy) {
}
