package dev.imgcast.session.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A device in a run (or queued for the next one). */
@Entity
@Table(name = "participant")
public class Participant extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public long runId;
    @Column(name = "device_id")
    public String deviceId;
    public String hostname;
    public String mac;
    public String address;
    @Enumerated(EnumType.STRING)
    public Role role;
    @Column(name = "master_of")
    public Long masterOf;
    @Enumerated(EnumType.STRING)
    public ParticipantState state;
    @Column(name = "wants_master")
    public boolean wantsMaster;
    @Column(name = "wanted_clients")
    public Integer wantedClients;
    @Column(name = "wanted_time_millis")
    public Long wantedTimeMillis;
    @Column(name = "token_hash")
    public String tokenHash;
    @Column(name = "bytes_done")
    public long bytesDone;
    @Column(name = "bytes_total")
    public Long bytesTotal;
    public String sha256;
    public String reason;
    @Column(name = "registered_at")
    public Instant registeredAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** When bytesDone was last reported, and the rate since the report before (bytes/s). */
    @Column(name = "progress_at")
    public Instant progressAt;
    @Column(name = "rate_bytes_per_second")
    public Double rateBytesPerSecond;

    public static List<Participant> ofRun(long runId) {
        return list("runId = ?1 order by id", runId);
    }

    public static Optional<Participant> ofRun(long runId, String deviceId) {
        return find("runId = ?1 and deviceId = ?2", runId, deviceId).firstResultOptional();
    }

    /** Devices that count for {@code clients=}: registered in the run, not the master, not queued. */
    public static long countClients(long runId) {
        return count("runId = ?1 and role <> ?2 and state <> ?3", runId, Role.MASTER, ParticipantState.QUEUED);
    }

    public boolean master() {
        return role == Role.MASTER;
    }

    public void makeMaster() {
        role = Role.MASTER;
        masterOf = runId;
        wantsMaster = false;
    }
}
