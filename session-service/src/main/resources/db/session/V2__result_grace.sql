-- The sender may finish a moment before its receivers' results reach the registry (they report
-- over their own connections). The run waits a grace period for them before dropping the rest.
alter table session_run add column sender_done_at timestamp with time zone;
alter table session_run add column sender_failure varchar(500);
alter table session_run add column finish_deadline timestamp with time zone;
