package dev.imgcast.session.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One point of a run's throughput history: what the sender sent and the devices wrote, so far. */
@Entity
@Table(name = "run_sample")
public class RunSample extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public long runId;
    public Instant at;
    @Column(name = "sender_bytes")
    public Long senderBytes;
    @Column(name = "received_bytes")
    public long receivedBytes;
    public int receivers;

    public static List<RunSample> ofRun(long runId) {
        return list("runId = ?1 order by at, id", runId);
    }
}
