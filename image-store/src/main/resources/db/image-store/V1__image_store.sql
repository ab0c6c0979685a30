-- Stored images: the bytes are a file on the image volume; what the data plane needs (size,
-- block size, SHA-256, per-block CRC32C, zero-block map: the serialized manifest) is here.
-- Written for PostgreSQL and H2 alike (bytea is a BINARY VARYING alias in H2).
create table stored_image (
    id              varchar(128) primary key,
    state           varchar(12)  not null,
    declared_sha256 varchar(64)  not null,
    block_size      integer      not null,
    size_bytes      bigint,
    block_count     integer,
    zero_blocks     integer,
    sha256          varchar(64),
    manifest        bytea,
    created_at      timestamp with time zone not null,
    stored_at       timestamp with time zone,
    constraint stored_image_state check (state in ('UPLOADING', 'READY')),
    constraint stored_image_ready check (state <> 'READY' or (sha256 is not null and manifest is not null))
);

-- Runs of sessions that use an image (from the session events): such an image is not deleted.
create table image_use (
    run_id       bigint       primary key,
    image_id     varchar(128) not null,
    session_name varchar(63)  not null,
    since        timestamp with time zone not null
);
create index image_use_image on image_use (image_id);
