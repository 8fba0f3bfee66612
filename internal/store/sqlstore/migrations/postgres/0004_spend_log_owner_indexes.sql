-- A record names a user, a team and a key only when the request had them:
-- requests with the master key, keys of no user or team, and session
-- tokens (which have no key) leave those columns empty. Entries for the
-- empty value serve no filter, since ListSpend never filters on it, yet
-- each costs an insert into its index at the request rate. The owner
-- indexes therefore hold only the records that name their owner; the
-- filters that use them say "<> ''" as well, which is how SQLite and
-- PostgreSQL know that a partial index covers a query whose value is a
-- parameter.

DROP INDEX spend_logs_key, spend_logs_team, spend_logs_user;

CREATE INDEX spend_logs_key ON spend_logs (key_hash, started_at) WHERE key_hash <> '';
CREATE INDEX spend_logs_team ON spend_logs (team_id, started_at) WHERE team_id <> '';
CREATE INDEX spend_logs_user ON spend_logs (user_id, started_at) WHERE user_id <> '';
