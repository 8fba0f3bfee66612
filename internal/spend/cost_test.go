package spend_test

import (
	"math"
	"testing"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/spend"
)

func ptr[T any](v T) *T { return &v }

func TestCost(t *testing.T) {
	tests := []struct {
		name   string
		info   config.ModelInfo
		model  string
		want   float64 // for 1M prompt and 1M completion tokens
		wantOK bool
	}{
		{"model_info prices win", config.ModelInfo{InputCostPerToken: ptr(1e-6),
			OutputCostPerToken: ptr(2e-6)}, "gpt-4o", 3, true},
		{"model_info input price only", config.ModelInfo{InputCostPerToken: ptr(1e-6)}, "x", 1, true},
		{"model_info free", config.ModelInfo{InputCostPerToken: ptr(0.0)}, "gpt-4o", 0, true},
		{"list price", config.ModelInfo{}, "gpt-4o", 12.5, true},
		{"provider prefix", config.ModelInfo{}, "openai/gpt-4o-mini", 0.75, true},
		{"dated", config.ModelInfo{}, "gpt-4o-2024-08-06", 12.5, true},
		{"dated mini is not gpt-4o", config.ModelInfo{}, "azure/gpt-4o-mini-2024-07-18", 0.75, true},
		{"gpt-4.1", config.ModelInfo{}, "gpt-4.1", 10, true},
		{"o3-mini", config.ModelInfo{}, "o3-mini-2025-01-31", 5.5, true},
		{"anthropic dated", config.ModelInfo{}, "anthropic/claude-3-5-sonnet-20241022", 18, true},
		{"anthropic latest", config.ModelInfo{}, "claude-3-5-haiku-latest", 4.8, true},
		{"claude sonnet 4", config.ModelInfo{}, "anthropic/claude-sonnet-4-20250514", 18, true},
		{"vertex version", config.ModelInfo{}, "vertex_ai/claude-3-5-sonnet@20240620", 18, true},
		{"case", config.ModelInfo{}, "GPT-4o", 12.5, true},
		{"unknown", config.ModelInfo{}, "llama3:8b", 0, false},
		{"unknown suffix is not cut", config.ModelInfo{}, "gpt-4o-audio-preview", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := spend.Cost(tt.info, tt.model, 1_000_000, 1_000_000)
			if ok != tt.wantOK || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Cost(%q) = %v, %t; want %v, %t", tt.model, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestPriceOf(t *testing.T) {
	p, ok := spend.PriceOf(config.ModelInfo{}, "gpt-4o")
	if !ok || math.Abs(p.Output*4096-0.04096) > 1e-12 {
		t.Errorf("PriceOf(gpt-4o) = %+v, %t", p, ok)
	}
}
