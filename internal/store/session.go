package store

import (
	"context"
	"time"
)

// SessionTx holds CLI login sessions, the pending logins that create them
// and the gateway's token signing keys.
type SessionTx interface {
	// CreateSession inserts a session. ErrExists if the id is taken;
	// ErrNotFound if its user (or team, when set) does not exist.
	// Deleting that user or team deletes the session too.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns the session with the given id, or ErrNotFound.
	GetSession(ctx context.Context, id string) (*Session, error)
	// ListSessions returns sessions ordered by creation time, then id,
	// newest last. With f.UserID set, only that user's. Expired and
	// revoked sessions are included until DeleteExpiredSessions runs.
	ListSessions(ctx context.Context, f SessionFilter) ([]*Session, error)
	// RevokeSession marks the session revoked at the given time, or
	// ErrNotFound. Revoking twice keeps the first time. It advances the
	// revision, so every replica drops its cached copy at once.
	RevokeSession(ctx context.Context, id string, at time.Time) error
	// TouchSessions records when sessions were last used, in one batch.
	// Unknown ids are skipped, and a LastUsedAt never moves back. It does
	// not advance the revision.
	TouchSessions(ctx context.Context, lastUsed map[string]time.Time) error
	// DeleteExpiredSessions removes sessions that expired before the given
	// time and returns how many.
	DeleteExpiredSessions(ctx context.Context, before time.Time) (int, error)

	// SigningKeys returns every stored signing key, oldest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// AddSigningKey inserts a key. ErrExists if the id is taken.
	AddSigningKey(ctx context.Context, k SigningKey) error
}

// LoginTx holds logins in progress. None of these writes advances the
// revision.
type LoginTx interface {
	// CreatePendingLogin inserts a login. ErrExists if the id is taken.
	CreatePendingLogin(ctx context.Context, l *PendingLogin) error
	// GetPendingLogin returns the login, or ErrNotFound. An expired login
	// is returned until DeleteExpiredLogins removes it: callers compare
	// its ExpiresAt with their clock.
	GetPendingLogin(ctx context.Context, id string) (*PendingLogin, error)
	// UpdatePendingLogin replaces the stored login that has l.ID, or
	// ErrNotFound.
	UpdatePendingLogin(ctx context.Context, l *PendingLogin) error
	// DeletePendingLogin removes the login, or ErrNotFound. A poll that
	// collects a token deletes the login inside InTx, so a second
	// collection finds nothing.
	DeletePendingLogin(ctx context.Context, id string) error
	// DeleteExpiredLogins removes pending logins and auth states that
	// expired before the given time and returns how many.
	DeleteExpiredLogins(ctx context.Context, before time.Time) (int, error)

	// CreateAuthState stores an in-flight redirect to the identity
	// provider. ErrExists if the hash is taken.
	CreateAuthState(ctx context.Context, a *AuthState) error
	// TakeAuthState returns and deletes the state with the given hash, or
	// ErrNotFound: a state can be used once, even by concurrent callers.
	// Like GetPendingLogin, it returns an expired state.
	TakeAuthState(ctx context.Context, stateHash string) (*AuthState, error)
}

// SessionFilter narrows ListSessions.
type SessionFilter struct {
	UserID string // empty: every user
}

// Session is one CLI login: the jti of one signed token. Revoking it ends
// the token before it expires.
type Session struct {
	ID         string // the token's jti
	UserID     string
	TeamID     string // empty: a token without a team
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	UserAgent  string
	Address    string // of the client that collected the token
	RevokedAt  *time.Time
}

// Login states of a PendingLogin.
const (
	LoginPending       = "pending"       // waiting for the browser
	LoginAuthenticated = "authenticated" // the browser signed in; waiting for the code
	LoginReady         = "ready"         // the code matched; the CLI may collect
)

// PendingLogin is a CLI login between its start and the collection of its
// token. The poll secret, the verification code and the browser token are
// stored as hashes only.
type PendingLogin struct {
	ID               string // "cli-..."
	PollSecretHash   string
	UserCodeHash     string
	BrowserTokenHash string // set when the browser has signed in
	Status           string // LoginPending, LoginAuthenticated or LoginReady
	UserID           string // set when the browser has signed in
	TeamID           string // set when chosen (or when the user has one team)
	FailedAttempts   int    // wrong verification codes so far
	Address          string // of the client that started it
	CreatedAt        time.Time
	ExpiresAt        time.Time
}

// AuthState is a redirect to the identity provider awaiting its callback.
// It is looked up by the hash of the OAuth state parameter.
type AuthState struct {
	StateHash string
	LoginID   string // the pending CLI login it serves; empty for other logins
	// Nonce is the OIDC nonce expected in the id_token and Verifier the
	// PKCE code verifier (RFC 7636), each sealed by the caller.
	Nonce     string
	Verifier  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SigningKey is a key that signs session tokens. Private is sealed by the
// caller.
type SigningKey struct {
	ID        string
	Alg       string
	Private   []byte
	Public    []byte
	CreatedAt time.Time
	RetireAt  *time.Time // nil: not retired
}
