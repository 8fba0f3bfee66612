package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// maxCached bounds the principal cache; past it the cache starts afresh.
const maxCached = 50_000

// Errors of Authenticate, as sent to the caller.
var (
	ErrNoCredential = httpapi.Errorf(http.StatusUnauthorized,
		"No API key provided. Send it as 'Authorization: Bearer <key>' or in the 'x-litellm-api-key' header.")
	ErrUnknownKey = httpapi.Errorf(http.StatusUnauthorized,
		"Invalid API key. Send a valid key as 'Authorization: Bearer <key>' or in the 'x-litellm-api-key' header.")
	errBlockedKey = httpapi.Errorf(http.StatusUnauthorized, "This API key is blocked.")
)

// Authenticator resolves bearer credentials to principals.
type Authenticator struct {
	store      store.Store
	catalog    *catalog.Catalog
	masterHash [sha256.Size]byte
	hasMaster  bool
	now        func() time.Time

	sessions SessionVerifier // nil: session tokens are refused
	use      sessionUse

	mu    sync.RWMutex
	gen   uint64 // advanced by Invalidate
	cache map[[sha256.Size]byte]*Principal
}

// NewAuthenticator returns an authenticator. masterKey may be empty, in
// which case no caller is admin by key.
func NewAuthenticator(s store.Store, c *catalog.Catalog, masterKey string, now func() time.Time) *Authenticator {
	a := &Authenticator{store: s, catalog: c, now: now,
		cache: make(map[[sha256.Size]byte]*Principal)}
	if masterKey != "" {
		a.masterHash = sha256.Sum256([]byte(masterKey))
		a.hasMaster = true
	}
	return a
}

// Credential returns the bearer credential of a request: the
// Authorization header's Bearer value, else x-litellm-api-key, else
// x-api-key.
func Credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			return strings.TrimSpace(h[7:])
		}
		return strings.TrimSpace(h)
	}
	if v := strings.TrimSpace(r.Header.Get("x-litellm-api-key")); v != "" {
		return v
	}
	// Anthropic's SDKs send their key in x-api-key.
	return strings.TrimSpace(r.Header.Get("x-api-key"))
}

// Authenticate resolves a credential. Errors are *httpapi.Error values
// ready to send, or store errors.
func (a *Authenticator) Authenticate(ctx context.Context, credential string) (*Principal, error) {
	if credential == "" {
		return nil, ErrNoCredential
	}
	sum := sha256.Sum256([]byte(credential))
	if a.hasMaster && subtle.ConstantTimeCompare(sum[:], a.masterHash[:]) == 1 {
		return masterPrincipal, nil
	}

	a.mu.RLock()
	p, ok := a.cache[sum]
	gen := a.gen
	a.mu.RUnlock()
	if !ok {
		var err error
		if p, err = a.load(ctx, credential, sum); err != nil {
			return nil, err
		}
		a.remember(sum, p, gen)
	}
	if p == nil {
		return nil, ErrUnknownKey
	}
	if p.expiresAt.IsZero() {
		return p, nil
	}
	now := a.now()
	if !now.Before(p.expiresAt) {
		if p.SessionID != "" {
			return nil, ErrLoginExpired
		}
		return nil, httpapi.Errorf(http.StatusUnauthorized,
			"This API key expired at %s. Ask an admin for a new one.", p.expiresAt.UTC().Format(time.RFC3339))
	}
	if p.SessionID != "" {
		a.note(p, now)
	}
	return p, nil
}

var masterPrincipal = &Principal{Role: apitype.RoleProxyAdmin, Master: true, models: everything}

// load reads a key or a session from the store. It returns a nil
// principal, and no error, for a credential that is neither, so that the
// miss is cached too.
func (a *Authenticator) load(ctx context.Context, credential string, sum [sha256.Size]byte) (*Principal, error) {
	if a.sessions != nil && looksLikeJWT(credential) {
		return a.loadSession(ctx, credential)
	}
	if !strings.HasPrefix(credential, "sk-") {
		return nil, nil
	}
	k, err := a.store.GetKey(ctx, hex.EncodeToString(sum[:]))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if k.Blocked {
		return nil, errBlockedKey
	}
	p := &Principal{Key: k, KeyHash: k.Hash, UserID: k.UserID, TeamID: k.TeamID,
		Role: apitype.RoleInternalUserViewer}
	if k.ExpiresAt != nil {
		p.expiresAt = *k.ExpiresAt
	}
	if k.UserID != "" {
		if p.User, err = a.store.GetUser(ctx, k.UserID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		if p.User != nil {
			p.Role = p.User.Role
		}
	}
	if k.TeamID != "" {
		if p.Team, err = a.store.GetTeam(ctx, k.TeamID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		if p.Team != nil && p.Team.Blocked {
			return nil, httpapi.Errorf(http.StatusUnauthorized, "The team of this API key is blocked.")
		}
	}
	p.models = modelAccess(p, a.catalog.Snapshot())
	return p, nil
}

// remember caches p unless the cache was invalidated since gen was read,
// in which case p may be stale.
func (a *Authenticator) remember(sum [sha256.Size]byte, p *Principal, gen uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gen != gen {
		return
	}
	if len(a.cache) >= maxCached {
		clear(a.cache)
	}
	a.cache[sum] = p
}

// Invalidate drops every cached principal. Call it after any change to
// keys, users, teams or models.
func (a *Authenticator) Invalidate() {
	a.mu.Lock()
	a.gen++
	clear(a.cache)
	a.mu.Unlock()
}
