-- Users, teams and their members, virtual keys, models added at run time,
-- and the revision counter that tells gateway replicas something changed.
--
-- Times are timestamptz (microseconds); models and metadata are jsonb. The
-- schema mirrors the SQLite one column for column. Empty strings stand for
-- "none" except where a foreign key or a unique index needs NULL.

CREATE TABLE users (
	id              TEXT PRIMARY KEY,
	email           TEXT NOT NULL DEFAULT '',
	email_lower     TEXT UNIQUE, -- lower-cased email, NULL when none
	alias           TEXT NOT NULL DEFAULT '',
	role            TEXT NOT NULL DEFAULT '',
	models          JSONB NOT NULL DEFAULT '[]',
	max_budget      DOUBLE PRECISION,
	budget_duration TEXT NOT NULL DEFAULT '',
	budget_reset_at TIMESTAMPTZ,
	spend           DOUBLE PRECISION NOT NULL DEFAULT 0,
	rpm_limit       BIGINT,
	tpm_limit       BIGINT,
	metadata        JSONB NOT NULL DEFAULT '{}',
	password_hash   TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE teams (
	id              TEXT PRIMARY KEY,
	alias           TEXT NOT NULL DEFAULT '',
	models          JSONB NOT NULL DEFAULT '[]',
	max_budget      DOUBLE PRECISION,
	budget_duration TEXT NOT NULL DEFAULT '',
	budget_reset_at TIMESTAMPTZ,
	spend           DOUBLE PRECISION NOT NULL DEFAULT 0,
	rpm_limit       BIGINT,
	tpm_limit       BIGINT,
	metadata        JSONB NOT NULL DEFAULT '{}',
	blocked         BOOLEAN NOT NULL DEFAULT FALSE,
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX teams_created ON teams (created_at, id);

CREATE TABLE team_members (
	team_id  TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role     TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL, -- order in which members were added
	PRIMARY KEY (team_id, user_id)
);

CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE keys (
	hash            TEXT PRIMARY KEY, -- hex SHA-256 of the secret
	name            TEXT NOT NULL DEFAULT '',
	alias           TEXT NOT NULL DEFAULT '',
	user_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
	team_id         TEXT REFERENCES teams (id) ON DELETE CASCADE,
	models          JSONB NOT NULL DEFAULT '[]',
	max_budget      DOUBLE PRECISION,
	budget_duration TEXT NOT NULL DEFAULT '',
	budget_reset_at TIMESTAMPTZ,
	spend           DOUBLE PRECISION NOT NULL DEFAULT 0,
	rpm_limit       BIGINT,
	tpm_limit       BIGINT,
	metadata        JSONB NOT NULL DEFAULT '{}',
	blocked         BOOLEAN NOT NULL DEFAULT FALSE,
	expires_at      TIMESTAMPTZ,
	created_by      TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX keys_created ON keys (created_at, hash);
CREATE INDEX keys_user ON keys (user_id);
CREATE INDEX keys_team ON keys (team_id);

CREATE TABLE models (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	params     BYTEA NOT NULL, -- sealed JSON of litellm_params
	info       BYTEA NOT NULL, -- JSON of model_info
	created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE revision (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value BIGINT NOT NULL
);

INSERT INTO revision (id, value) VALUES (1, 0);
