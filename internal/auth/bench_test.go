package auth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/sqlstore"
)

// BenchmarkAuthenticateCached measures resolving a virtual key to its
// principal and model access once the principal is cached: the per-request
// cost on the hot path. The store is a real SQLite file; a database read
// per request would show as tens of microseconds.
func BenchmarkAuthenticateCached(b *testing.B) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	key := secret.NewKey()
	now := time.Now().UTC()
	must(b, st.CreateUser(ctx, &store.User{ID: "u", Role: "internal_user", CreatedAt: now, UpdatedAt: now}))
	must(b, st.CreateTeam(ctx, &store.Team{ID: "t", Models: []string{"a"}, Members: []store.Member{{UserID: "u", Role: "user"}},
		CreatedAt: now, UpdatedAt: now}))
	must(b, st.CreateKey(ctx, &store.Key{Hash: secret.HashKey(key), UserID: "u", TeamID: "t",
		CreatedAt: now, UpdatedAt: now}))
	cat := catalog.New([]config.Deployment{{ModelName: "a"}, {ModelName: "b"}}, now)
	a := auth.NewAuthenticator(st, cat, "sk-master", time.Now)

	if _, err := a.Authenticate(ctx, key); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := a.Authenticate(ctx, key)
		if err != nil || !p.CanUseModel("a") || p.CanUseModel("b") {
			b.Fatalf("authenticate: %v", err)
		}
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAuthenticateSessionCached measures a CLI session token on the
// hot path once verified: no signature check and no database read.
func BenchmarkAuthenticateSessionCached(b *testing.B) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	must(b, st.CreateUser(ctx, &store.User{ID: "u", Role: "internal_user", CreatedAt: now, UpdatedAt: now}))
	must(b, st.CreateSession(ctx, &store.Session{ID: "s1", UserID: "u", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	sealer, _ := secret.NewSealer("sk-salt")
	sgn, err := signer.New(ctx, &signertest.KeyStore{}, sealer, signer.Options{Issuer: "gw", Audience: "cli"})
	if err != nil {
		b.Fatal(err)
	}
	token, err := sgn.Issue(signer.Claims{Subject: "u", SessionID: "s1", Role: "internal_user",
		IssuedAt: now, ExpiresAt: now.Add(time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.New([]config.Deployment{{ModelName: "a"}}, now)
	a := auth.NewAuthenticator(st, cat, "sk-master", time.Now)
	a.EnableSessions(sgn)
	if _, err := a.Authenticate(ctx, token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if p, err := a.Authenticate(ctx, token); err != nil || !p.CanUseModel("a") {
			b.Fatalf("authenticate: %v", err)
		}
	}
}
