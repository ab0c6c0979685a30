package dev.imgcast.image.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A live session run whose source is an image: while it lasts, the image is not deleted. */
@Entity
@Table(name = "image_use")
public class ImageUse extends PanacheEntityBase {
    @Id
    @Column(name = "run_id")
    public Long runId;
    @Column(name = "image_id")
    public String imageId;
    @Column(name = "session_name")
    public String sessionName;
    public Instant since;
}
