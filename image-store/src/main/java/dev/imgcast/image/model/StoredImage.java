package dev.imgcast.image.model;

import dev.imgcast.protocol.image.Manifest;
import dev.imgcast.image.ImageView;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A stored image (or one being uploaded). */
@Entity
@Table(name = "stored_image")
public class StoredImage extends PanacheEntityBase {
    public static final String UPLOADING = "UPLOADING";
    public static final String READY = "READY";

    @Id
    public String id;
    public String state;
    @Column(name = "declared_sha256")
    public String declaredSha256;
    @Column(name = "block_size")
    public int blockSize;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    @Column(name = "block_count")
    public Integer blockCount;
    @Column(name = "zero_blocks")
    public Integer zeroBlocks;
    public String sha256;
    public byte[] manifest;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "stored_at")
    public Instant storedAt;

    /** What the API shows of this image, with the live session runs that use it. */
    public ImageView view(List<String> inUseBy) {
        Manifest parsed = manifest == null ? null : Manifest.parse(manifest);
        return new ImageView(id, sizeBytes == null ? 0 : sizeBytes, blockSize, blockCount == null ? 0 : blockCount,
                zeroBlocks == null ? 0 : zeroBlocks, parsed == null ? 0 : parsed.storedBytes(),
                parsed == null ? 0 : parsed.level(), sha256, storedAt, inUseBy);
    }
}
