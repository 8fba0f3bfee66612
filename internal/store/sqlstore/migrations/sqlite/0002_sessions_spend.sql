-- CLI login sessions and the logins in progress that create them, the
-- keys that sign session tokens, and the log of what each request cost.
--
-- Spend log rows name their key, user and team without foreign keys: the
-- history of a deleted key stays. Times are UTC text, as in 0001_init.
--
-- cost is a REAL, an IEEE double like the spend columns it adds to: each
-- addition rounds by at most about 1e-16 of the total, so a million
-- additions to a $10,000 total are off by at most a millionth of a dollar.
-- duration_us is the request's duration in microseconds.

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY, -- the token's jti
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	team_id      TEXT REFERENCES teams (id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	last_used_at TEXT,
	user_agent   TEXT NOT NULL DEFAULT '',
	address      TEXT NOT NULL DEFAULT '',
	revoked_at   TEXT
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id, created_at, id);
CREATE INDEX sessions_team ON sessions (team_id); -- for the cascade
CREATE INDEX sessions_expires ON sessions (expires_at);

-- A pending login names its user without a foreign key: it lives for
-- minutes, and the session it ends in is checked against users when it is
-- created.
CREATE TABLE pending_logins (
	id                 TEXT PRIMARY KEY,
	poll_secret_hash   TEXT NOT NULL,
	user_code_hash     TEXT NOT NULL,
	browser_token_hash TEXT NOT NULL DEFAULT '',
	status             TEXT NOT NULL,
	user_id            TEXT NOT NULL DEFAULT '',
	team_id            TEXT NOT NULL DEFAULT '',
	failed_attempts    INTEGER NOT NULL DEFAULT 0,
	address            TEXT NOT NULL DEFAULT '',
	created_at         TEXT NOT NULL,
	expires_at         TEXT NOT NULL
) STRICT;

CREATE INDEX pending_logins_expires ON pending_logins (expires_at);

CREATE TABLE auth_states (
	state_hash TEXT PRIMARY KEY, -- hash of the OAuth state parameter
	login_id   TEXT NOT NULL DEFAULT '',
	nonce      TEXT NOT NULL DEFAULT '',
	verifier   TEXT NOT NULL DEFAULT '', -- PKCE code verifier
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX auth_states_expires ON auth_states (expires_at);

CREATE TABLE signing_keys (
	id         TEXT PRIMARY KEY,
	alg        TEXT NOT NULL,
	private    BLOB NOT NULL, -- sealed by the gateway
	public     BLOB NOT NULL,
	created_at TEXT NOT NULL,
	retire_at  TEXT
) STRICT;

CREATE TABLE spend_logs (
	request_id        TEXT PRIMARY KEY,
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

-- One index per ListSpend filter, in its order (started_at, request_id).
CREATE INDEX spend_logs_user ON spend_logs (user_id, started_at, request_id);
CREATE INDEX spend_logs_team ON spend_logs (team_id, started_at, request_id);
CREATE INDEX spend_logs_key ON spend_logs (key_hash, started_at, request_id);
CREATE INDEX spend_logs_started ON spend_logs (started_at, request_id);

-- DueBudgets looks for the budgets to reset; most owners have none.
CREATE INDEX keys_budget_reset ON keys (budget_reset_at)
	WHERE budget_reset_at IS NOT NULL;
CREATE INDEX users_budget_reset ON users (budget_reset_at)
	WHERE budget_reset_at IS NOT NULL;
CREATE INDEX teams_budget_reset ON teams (budget_reset_at)
	WHERE budget_reset_at IS NOT NULL;
