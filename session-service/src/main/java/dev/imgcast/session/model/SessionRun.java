package dev.imgcast.session.model;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One run of a session: the devices registered under a name between its opening and its end.
 * When a run ends, the devices queued during it form the next run of the same name.
 */
@Entity
@Table(name = "session_run")
public class SessionRun extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String name;
    @Column(name = "run_no")
    public int runNo;
    @Enumerated(EnumType.STRING)
    public RunState state;
    @Column(name = "live_name")
    public String liveName;
    @Enumerated(EnumType.STRING)
    @Column(name = "source_kind")
    public SourceKind sourceKind;
    @Column(name = "image_id")
    public String imageId;
    public Integer clients;
    @Column(name = "time_millis")
    public Long timeMillis;
    @Column(name = "group_address")
    public String groupAddress;
    @Column(name = "live_group")
    public String liveGroup;
    @Column(name = "group_attempt")
    public int groupAttempt;
    @Column(name = "group_note")
    public String groupNote;
    public int port;
    @Column(name = "session_key")
    public String sessionKey;
    @Column(name = "sender_address")
    public String senderAddress;
    @Column(name = "opened_by")
    public String openedBy;
    @Column(name = "start_reason")
    public String startReason;
    @Column(name = "end_reason")
    public String endReason;
    public long revision;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "last_registration_at")
    public Instant lastRegistrationAt;
    @Column(name = "start_deadline")
    public Instant startDeadline;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "sender_done_at")
    public Instant senderDoneAt;
    @Column(name = "sender_failure")
    public String senderFailure;
    @Column(name = "finish_deadline")
    public Instant finishDeadline;
    @Column(name = "sender_bytes_sent")
    public Long senderBytesSent;
    @Column(name = "sender_bytes_total")
    public Long senderBytesTotal;
    @Column(name = "sender_round")
    public Integer senderRound;
    @Column(name = "sender_payload_bytes")
    public Long senderPayloadBytes;
    @Column(name = "sender_data_packets")
    public Long senderDataPackets;
    @Column(name = "sender_repair_packets")
    public Long senderRepairPackets;
    @Column(name = "sender_rate_bits_per_second")
    public Long senderRateBitsPerSecond;

    public static Optional<SessionRun> live(String name) {
        return find("liveName", name).firstResultOptional();
    }

    /** The live run of that name, locked until the transaction ends: registrations queue here. */
    public static Optional<SessionRun> liveLocked(String name) {
        return find("liveName", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static SessionRun lockById(long id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public static List<SessionRun> liveRuns() {
        return list("liveName is not null order by name");
    }

    public static List<SessionRun> history(String name) {
        return list("name = ?1 order by runNo desc", name);
    }

    public static int nextRunNo(String name) {
        Integer max = getEntityManager()
                .createQuery("select max(r.runNo) from SessionRun r where r.name = :name", Integer.class)
                .setParameter("name", name).getSingleResult();
        return max == null ? 1 : max + 1;
    }

    public static List<Long> dueForTimeRule(Instant now) {
        return getEntityManager()
                .createQuery("select r.id from SessionRun r where r.state = :open and r.startDeadline <= :now",
                        Long.class)
                .setParameter("open", RunState.OPEN).setParameter("now", now).getResultList();
    }

    public static List<Long> dueToFinish(Instant now) {
        return getEntityManager()
                .createQuery("select r.id from SessionRun r where r.state = :started and r.finishDeadline <= :now",
                        Long.class)
                .setParameter("started", RunState.STARTED).setParameter("now", now).getResultList();
    }

    public boolean hasSource() {
        return sourceKind != SourceKind.NONE;
    }

    public void touch() {
        revision++;
    }
}
