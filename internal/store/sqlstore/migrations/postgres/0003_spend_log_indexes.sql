-- The spend log takes a row for every request through the gateway, so each
-- of its indexes is paid for at the request rate. This keeps only the
-- indexes ListSpend needs; the SQLite migration of the same name gives the
-- reasons, which hold here too.
--
-- The primary key moves from request_id, random and read by no query, to
-- (started_at, request_id): a retried record carries its start time, so a
-- batch retried after a commit that reported an error is still refused,
-- and the key's index, which grows at its end, serves ListSpend in time
-- order in place of spend_logs_started. The user, team and key indexes
-- lose their trailing request_id: records that started in the same
-- microsecond are few, and sorted as they are read.

ALTER TABLE spend_logs DROP CONSTRAINT spend_logs_pkey;
DROP INDEX spend_logs_user, spend_logs_team, spend_logs_key, spend_logs_started;

ALTER TABLE spend_logs ADD PRIMARY KEY (started_at, request_id);
CREATE INDEX spend_logs_user ON spend_logs (user_id, started_at);
CREATE INDEX spend_logs_team ON spend_logs (team_id, started_at);
CREATE INDEX spend_logs_key ON spend_logs (key_hash, started_at);
