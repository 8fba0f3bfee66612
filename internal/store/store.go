// Package store defines the gateway's persistent records (users, teams,
// virtual keys, models added at run time) and the Store interface that every
// storage backend implements.
//
// Backends live in subpackages (sqlstore for SQLite and PostgreSQL) and must
// all pass the conformance suite in storetest. The store holds no secrets in
// clear: virtual keys are kept as SHA-256 hashes, password hashes are bcrypt,
// and model parameters that may carry provider keys arrive already sealed.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors returned by every backend. Callers test them with errors.Is.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means a record with the same identity (id, email, key hash)
	// already exists.
	ErrExists = errors.New("already exists")
)

// Store is a storage backend. Each method of the embedded Tx runs in a
// transaction of its own; InTx groups several calls into one.
//
// Records come back with times in UTC (at least microsecond precision) and
// with Models, Members and Metadata never nil: nil and empty values are
// both returned empty. Create and Update methods write the timestamps they
// store back into the record they are given.
type Store interface {
	Tx

	// InTx runs fn in a single transaction. If fn returns an error, every
	// write made through tx is rolled back and the error is returned as is.
	// The Tx must not be used after fn returns.
	//
	// Transactions of InTx do not interleave, so a read-modify-write in fn
	// loses no update. A write through tx that fails leaves nothing behind
	// and the transaction usable. fn must make its calls through tx: a
	// write through the Store itself would wait for fn to end.
	InTx(ctx context.Context, fn func(tx Tx) error) error

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error

	// Close releases the database connections.
	Close() error
}

// Tx is the set of record operations, either on their own or inside one
// transaction (see Store.InTx).
//
// Every method that changes a management record (user, team, key, model)
// also advances the revision returned by Revision, so that caches in every
// gateway replica sharing the database can tell that something changed.
type Tx interface {
	// CreateUser inserts u. ErrExists if the id or the non-empty email is
	// taken. CreatedAt and UpdatedAt are set by the store when zero.
	CreateUser(ctx context.Context, u *User) error
	// GetUser returns the user with the given id, or ErrNotFound.
	GetUser(ctx context.Context, id string) (*User, error)
	// GetUserByEmail returns the user with the given email (compared
	// case-insensitively), or ErrNotFound.
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	// ListUsers returns users ordered by creation time, then id, and the
	// total number of users.
	ListUsers(ctx context.Context, p Page) ([]*User, int, error)
	// UpdateUser replaces the stored user that has u.ID. ErrNotFound if
	// none; ErrExists if the new email belongs to someone else. UpdatedAt
	// is set by the store; CreatedAt is kept.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, their team memberships and their keys,
	// or reports ErrNotFound.
	DeleteUser(ctx context.Context, id string) error

	// CreateTeam inserts t with its members. ErrExists if the id is taken
	// or a user is listed twice; ErrNotFound if a member's user does not
	// exist. CreatedAt and UpdatedAt are set by the store when zero.
	CreateTeam(ctx context.Context, t *Team) error
	// GetTeam returns the team with its members, or ErrNotFound.
	GetTeam(ctx context.Context, id string) (*Team, error)
	// ListTeams returns teams ordered by creation time, then id. With
	// f.UserID set, only the teams that user is a member of.
	ListTeams(ctx context.Context, f TeamFilter) ([]*Team, error)
	// UpdateTeam replaces the stored team, members included. ErrNotFound
	// if the team or a member's user does not exist. UpdatedAt is set by
	// the store; CreatedAt is kept.
	UpdateTeam(ctx context.Context, t *Team) error
	// DeleteTeam removes the team, its memberships and its keys, or
	// reports ErrNotFound.
	DeleteTeam(ctx context.Context, id string) error

	// CreateKey inserts k. ErrExists if the hash is taken; ErrNotFound if
	// a non-empty UserID or TeamID names no user or team. CreatedAt and
	// UpdatedAt are set by the store when zero.
	CreateKey(ctx context.Context, k *Key) error
	// GetKey returns the key with the given hash, or ErrNotFound.
	GetKey(ctx context.Context, hash string) (*Key, error)
	// ListKeys returns keys ordered by creation time, then hash, filtered
	// by f, and the total number that match the filter.
	ListKeys(ctx context.Context, f KeyFilter) ([]*Key, int, error)
	// UpdateKey replaces the stored key that has k.Hash, or reports
	// ErrNotFound, as it does for a missing user or team. UpdatedAt is set
	// by the store; CreatedAt is kept.
	UpdateKey(ctx context.Context, k *Key) error
	// DeleteKey removes the key with the given hash, or ErrNotFound.
	DeleteKey(ctx context.Context, hash string) error

	// CreateModel inserts m. ErrExists if the id is taken. CreatedAt is
	// set by the store when zero. Empty Params and Info come back nil.
	CreateModel(ctx context.Context, m *Model) error
	// ListModels returns every stored model ordered by creation time,
	// then id.
	ListModels(ctx context.Context) ([]*Model, error)
	// DeleteModel removes the model with the given id, or ErrNotFound.
	DeleteModel(ctx context.Context, id string) error

	SessionTx
	LoginTx
	SpendTx

	// Revision returns a number that grows whenever a management record
	// changes. Two equal revisions mean nothing changed in between.
	Revision(ctx context.Context) (int64, error)
}

// Page selects a window of a listing. A zero Limit means no limit.
type Page struct {
	Offset int
	Limit  int
}

// TeamFilter narrows ListTeams.
type TeamFilter struct {
	UserID string // only teams with this member; empty means all teams
}

// KeyFilter narrows ListKeys. Empty fields match everything.
type KeyFilter struct {
	UserID string
	TeamID string
	Page
}

// Limits are the spend and rate limits shared by keys, users and teams.
// Nil pointers mean no limit.
type Limits struct {
	MaxBudget      *float64
	BudgetDuration string     // such as "30d" or "1h"; empty: never reset
	BudgetResetAt  *time.Time // next reset; nil when BudgetDuration is empty
	Spend          float64    // spend since the last reset, in USD
	RPMLimit       *int64
	TPMLimit       *int64
}

// User is a person who may call the gateway.
type User struct {
	ID     string
	Email  string // empty, or unique (case-insensitive)
	Alias  string
	Role   string // proxy_admin, proxy_admin_viewer, internal_user, internal_user_viewer
	Models []string
	Limits
	Metadata     map[string]any
	PasswordHash string // bcrypt; empty when the user has no local password
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Team groups users that share models and budgets.
type Team struct {
	ID     string
	Alias  string
	Models []string
	Limits
	Metadata  map[string]any
	Blocked   bool
	Members   []Member // in the order they were added
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Member is a user's place in a team.
type Member struct {
	UserID string
	Role   string // "admin" or "user"
}

// Key is a virtual API key. Only the hash of the secret is stored; the
// secret is shown once, when the key is generated.
type Key struct {
	Hash   string // hex SHA-256 of the secret
	Name   string // abbreviated form for display, such as "sk-...wxyz"
	Alias  string
	UserID string
	TeamID string
	Models []string
	Limits
	Metadata  map[string]any
	Blocked   bool
	ExpiresAt *time.Time // nil: never expires
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Model is a deployment added through the management API, merged with the
// ones from the config file. Params is the deployment's litellm_params,
// sealed by the caller because it may hold a provider key.
type Model struct {
	ID        string
	Name      string // the public model_name clients ask for
	Params    []byte // sealed JSON of litellm_params
	Info      []byte // JSON of model_info
	CreatedAt time.Time
}
