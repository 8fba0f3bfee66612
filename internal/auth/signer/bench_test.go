package signer_test

import (
	"context"
	"testing"

	"github.com/litellm-go/gateway/internal/auth/signer/signertest"
)

func BenchmarkIssue(b *testing.B) {
	clk := newClock()
	s := newTestSigner(b, &signertest.KeyStore{}, clk)
	c := testClaims(clk)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Issue(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	clk := newClock()
	s := newTestSigner(b, &signertest.KeyStore{}, clk)
	tok := issue(b, s, testClaims(clk))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
