package auth

import (
	"context"
	"net/http"

	"github.com/litellm-go/gateway/internal/httpapi"
)

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of an authenticated request. It panics
// when the route was mounted without authentication, a programming error.
func FromContext(ctx context.Context) *Principal {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	if !ok {
		panic("auth: route mounted without authentication")
	}
	return p
}

// Wrap authenticates every request before h runs; the principal is then
// in the request's context.
func (a *Authenticator) Wrap(h httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := a.Authenticate(r.Context(), Credential(r))
		if err != nil {
			return err
		}
		return h(w, r.WithContext(WithPrincipal(r.Context(), p)))
	}
}
