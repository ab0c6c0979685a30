-- How far the sender of a server-started run is (transfer.progress without a device).
alter table session_run add column sender_bytes_sent bigint;
alter table session_run add column sender_bytes_total bigint;
alter table session_run add column sender_round integer;
