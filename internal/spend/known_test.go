package spend_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/spend"
)

func TestKnownModels(t *testing.T) {
	known := spend.KnownModels()
	if !slices.IsSorted(known) || len(slices.Compact(slices.Clone(known))) != len(known) {
		t.Errorf("KnownModels() is not sorted and unique: %q", known)
	}
	for _, want := range []string{"gpt-4o", "o3-mini", "claude-3-5-haiku-latest", "claude-3-haiku-20240307"} {
		if !slices.Contains(known, want) {
			t.Errorf("KnownModels() lacks %q", want)
		}
	}
	// Anthropic serves a model by its dated name or "-latest" alias only.
	servable := regexp.MustCompile(`-(latest|\d{8})$`)
	for _, m := range known {
		if _, ok := spend.PriceOf(config.ModelInfo{}, m); !ok {
			t.Errorf("%s has no list price", m)
		}
		provider, ok := config.FamilyProvider(m)
		if !ok {
			t.Errorf("%s is of no known family", m)
		}
		if provider == "anthropic" && !servable.MatchString(m) {
			t.Errorf("%s is not a name Anthropic serves", m)
		}
	}

	known[0] = "changed"
	if spend.KnownModels()[0] == "changed" {
		t.Error("KnownModels() shares its slice")
	}
}
