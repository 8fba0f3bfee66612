-- The spend log takes a row for every request through the gateway, so each
-- of its indexes is paid for at the request rate: an index whose entries
-- land all over it, being keyed by a random value or by one of many
-- owners, dirties a page of its own for nearly every row of a batch, and
-- each such page is written to the WAL at commit and again when the WAL is
-- checkpointed. This keeps only the indexes ListSpend needs.
--
-- request_id was the primary key. Request ids are random (or chosen by the
-- caller), which made its index the costliest of all, and no query reads
-- by request id. What it guarded is that a batch retried after a commit
-- that reported an error is not stored twice. A retried record carries its
-- start time too, so a unique (started_at, request_id) guards that as
-- well, and its entries arrive in time order, at the end of the index.
-- That is the index spend_logs_started already was; made unique, it
-- serves ListSpend without a filter and with a time range, as before. Two
-- requests that reuse a caller's request id at different times are now
-- both recorded, and both charged.
--
-- spend_logs_user, _team and _key serve the filters on user (the one every
-- caller but an admin gets), team and key: the records that match are
-- found without reading the others, in start order, so a page stops at its
-- end, and counted from the index alone. Their entries no longer end with
-- request_id: the rowid that each entry carries makes it unique anyway,
-- and putting records that started in the same microsecond in request id
-- order is a sort of a few rows. Shorter entries split fewer pages.
--
-- model has no index, as before: filtering on it alone reads the log in
-- time order until the page is full, and the count reads all of it.
--
-- The indexes are created in this order for COUNT(*) without a filter:
-- SQLite counts with the index whose entries it expects to be smallest
-- and, among equals, with the one created last. It cannot tell these apart
-- by their declared types, and spend_logs_started, with the gateway's
-- short request ids, is the smallest in practice.
--
-- SQLite cannot drop a primary key in place, so the table is rebuilt: on a
-- log of millions of records, this migration takes a while.

CREATE TABLE spend_logs_new (
	request_id        TEXT NOT NULL,
	key_hash          TEXT NOT NULL DEFAULT '',
	session_id        TEXT NOT NULL DEFAULT '',
	user_id           TEXT NOT NULL DEFAULT '',
	team_id           TEXT NOT NULL DEFAULT '',
	model             TEXT NOT NULL DEFAULT '',
	deployment_id     TEXT NOT NULL DEFAULT '',
	provider          TEXT NOT NULL DEFAULT '',
	prompt_tokens     INTEGER NOT NULL DEFAULT 0,
	completion_tokens INTEGER NOT NULL DEFAULT 0,
	cost              REAL NOT NULL DEFAULT 0, -- USD
	status            INTEGER NOT NULL DEFAULT 0, -- HTTP status
	started_at        TEXT NOT NULL,
	duration_us       INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO spend_logs_new (request_id, key_hash, session_id, user_id, team_id, model,
	deployment_id, provider, prompt_tokens, completion_tokens, cost, status,
	started_at, duration_us)
SELECT request_id, key_hash, session_id, user_id, team_id, model,
	deployment_id, provider, prompt_tokens, completion_tokens, cost, status,
	started_at, duration_us
FROM spend_logs ORDER BY started_at, request_id;

DROP TABLE spend_logs;
ALTER TABLE spend_logs_new RENAME TO spend_logs;

CREATE INDEX spend_logs_key ON spend_logs (key_hash, started_at);
CREATE INDEX spend_logs_team ON spend_logs (team_id, started_at);
CREATE INDEX spend_logs_user ON spend_logs (user_id, started_at);
CREATE UNIQUE INDEX spend_logs_started ON spend_logs (started_at, request_id);
