package auth

import (
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
)

func TestPatternAccess(t *testing.T) {
	snap := catalog.New([]config.Deployment{
		{ModelName: "openai/*"}, {ModelName: "anthropic/*"}, {ModelName: "gpt-4o"},
	}, time.Now()).Snapshot()
	tests := []struct {
		name    string
		lists   [][]string // intersected, as key, team and user are
		allowed []string
		denied  []string
	}{
		{name: "pattern", lists: [][]string{{"openai/*"}},
			allowed: []string{"openai/gpt-4o", "openai/*", "gpt-4o", "o3-mini"},
			denied:  []string{"anthropic/claude", "claude-3-haiku", "llama3", "xopenai/gpt-4o"}},
		{name: "exact name", lists: [][]string{{"openai/gpt-4o"}},
			allowed: []string{"openai/gpt-4o"}, denied: []string{"openai/gpt-4.1", "openai/*"}},
		{name: "any", lists: [][]string{{"*"}}, allowed: []string{"anything"}},
		{name: "pattern and name", lists: [][]string{{"openai/*"}, {"openai/gpt-4o", "anthropic/claude"}},
			allowed: []string{"openai/gpt-4o"}, denied: []string{"anthropic/claude", "openai/o3"}},
		{name: "two patterns", lists: [][]string{{"openai/*"}, {"*-mini"}},
			allowed: []string{"openai/gpt-4o-mini", "gpt-4o-mini"},
			denied:  []string{"openai/gpt-4o", "anthropic/haiku-mini"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := everything
			for _, list := range tt.lists {
				a = intersect(a, resolve(list, snap, everything))
			}
			for _, m := range tt.allowed {
				if !a.allows(m) {
					t.Errorf("%s denied, want allowed", m)
				}
			}
			for _, m := range tt.denied {
				if a.allows(m) {
					t.Errorf("%s allowed, want denied", m)
				}
			}
		})
	}
}

func TestGrantPatterns(t *testing.T) {
	snap := catalog.New([]config.Deployment{{ModelName: "openai/*"}, {ModelName: "claude"}},
		time.Now()).Snapshot()
	p := &Principal{models: resolve([]string{"openai/*"}, snap, everything)}
	tests := []struct {
		list []string
		want bool
	}{
		{[]string{"openai/gpt-4o"}, true},
		{[]string{"openai/gpt-*"}, true},
		{[]string{"openai/*"}, true},
		{[]string{"claude"}, false},
		{[]string{"*"}, false},
	}
	for _, tt := range tests {
		if got := p.CanGrant(tt.list, snap); got != tt.want {
			t.Errorf("CanGrant(%q) = %v, want %v", tt.list, got, tt.want)
		}
	}
	for entry, want := range map[string]bool{
		"openai/gpt-4o": true, "openai/gpt-*": true, "*": true, "claude": true,
		"bedrock/*": false, "gpt-4o": false,
	} {
		if got := KnownModel(entry, snap); got != want {
			t.Errorf("KnownModel(%q) = %v, want %v", entry, got, want)
		}
	}
}
