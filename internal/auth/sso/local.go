package sso

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/secret"
)

// DefaultAdminUserID is the user id of the built-in admin when
// PROXY_ADMIN_ID is unset, as in LiteLLM.
const DefaultAdminUserID = "default_user_id"

var (
	// ErrInvalidCredentials means the username or the password is wrong.
	// It does not say which, nor whether the user exists.
	ErrInvalidCredentials = errors.New("invalid username or password")
	// ErrNoUser is what a Users implementation returns, possibly wrapped,
	// when no user has the login.
	ErrNoUser = errors.New("no such user")
)

// LocalUser is a user with a local password, as the store holds it.
type LocalUser struct {
	ID           string
	Email        string
	Role         string // empty means apitype.RoleInternalUserViewer
	PasswordHash string // bcrypt; empty when the user has no password
}

// Users finds the local user whose email (compared without regard to
// case) or user id is login, or returns an error wrapping ErrNoUser.
type Users interface {
	UserByLogin(ctx context.Context, login string) (LocalUser, error)
}

// LocalIdentity is a person who logged in with a local account.
type LocalIdentity struct {
	UserID string
	Email  string
	Role   string
	// Admin is set for the built-in admin (UI_USERNAME).
	Admin bool
}

// LocalOptions are a LocalAuth's dependencies.
type LocalOptions struct {
	// Users looks up local users; nil admits the built-in admin only.
	Users Users
	// Now returns the current time for throttling; nil means time.Now.
	Now func() time.Time
	// Throttle limits failed attempts; zero fields take the defaults of
	// ThrottleOptions.
	Throttle ThrottleOptions
	// Redis, when set, keeps the counts of failed attempts there, shared
	// by every replica that uses it; nil keeps them in this process.
	Redis redis.Scripter
	// Log receives warnings when Redis fails; nil discards them.
	Log *slog.Logger
}

// LocalAuth checks logins on the gateway's own login page, used when no
// identity provider is configured. It is safe for concurrent use.
type LocalAuth struct {
	adminName     string
	adminPassword Secret
	adminID       string
	users         Users
	throttle      throttler
	dummy         func() string // dummyHash; tests swap in a cheaper one
}

// NewLocalAuth reads the built-in admin from UI_USERNAME (default
// "admin"), UI_PASSWORD and PROXY_ADMIN_ID (default "default_user_id")
// through lookup. Without UI_PASSWORD the admin's password is masterKey,
// as in LiteLLM.
func NewLocalAuth(lookup func(string) (string, bool), masterKey string,
	opts LocalOptions) (*LocalAuth, error) {
	e := &env{lookup: lookup}
	l := &LocalAuth{
		adminName:     e.getOr("UI_USERNAME", "admin"),
		adminPassword: Secret(e.getOr("UI_PASSWORD", masterKey)),
		adminID:       e.getOr("PROXY_ADMIN_ID", DefaultAdminUserID),
		users:         opts.Users,
		dummy:         dummyHash,
	}
	if l.adminPassword == "" {
		return nil, errors.New("new local auth: set UI_PASSWORD or a master key")
	}
	if opts.Throttle.Now == nil {
		opts.Throttle.Now = opts.Now
	}
	if opts.Redis != nil {
		l.throttle = newSharedThrottle(opts.Redis, opts.Throttle, opts.Log)
	} else {
		l.throttle = newThrottle(opts.Throttle)
	}
	return l, nil
}

// Check logs username in with password, from remoteAddr (the request's
// RemoteAddr, "host:port" or a bare address). It returns
// ErrInvalidCredentials for a wrong username or password, a
// *ThrottledError while the account or the address is locked after too
// many failures, and other errors when the user store fails.
//
// A failure takes the same time whether or not the user exists: a
// password is always compared with bcrypt, against a stand-in hash when
// there is no real one, so response times do not reveal which logins
// exist.
func (l *LocalAuth) Check(
	ctx context.Context, username, password, remoteAddr string,
) (*LocalIdentity, error) {
	login := strings.TrimSpace(username)
	end, err := l.throttle.begin(ctx, login, remoteAddr)
	if err != nil {
		return nil, err
	}
	id, err := l.verify(ctx, login, password)
	switch {
	case err == nil:
		end(succeeded)
	case errors.Is(err, ErrInvalidCredentials):
		end(failed)
	default:
		end(undecided)
	}
	return id, err
}

func (l *LocalAuth) verify(ctx context.Context, login, password string) (*LocalIdentity, error) {
	if secret.Equal(login, l.adminName) && secret.Equal(password, string(l.adminPassword)) {
		return &LocalIdentity{UserID: l.adminID, Role: apitype.RoleProxyAdmin, Admin: true}, nil
	}

	var u LocalUser
	if l.users != nil && login != "" {
		var err error
		u, err = l.users.UserByLogin(ctx, login)
		if err != nil && !errors.Is(err, ErrNoUser) {
			return nil, fmt.Errorf("check login: find user: %w", err)
		}
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = l.dummy()
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if err != nil || u.PasswordHash == "" {
		return nil, ErrInvalidCredentials
	}
	role := u.Role
	if role == "" {
		role = apitype.RoleInternalUserViewer
	}
	return &LocalIdentity{UserID: u.ID, Email: u.Email, Role: role}, nil
}

// dummyHash is a bcrypt hash of a random password nobody knows, at the
// cost the gateway stores passwords with, for logins without a real hash.
var dummyHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), bcrypt.DefaultCost)
	if err != nil {
		panic("sso: bcrypt: " + err.Error()) // only fails for passwords over 72 bytes
	}
	return string(h)
})
