package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          []string // nil: no match
	}{
		{"openai/*", "openai/gpt-4o", []string{"gpt-4o"}},
		{"openai/*", "openai/ft:gpt-4o:org/x", []string{"ft:gpt-4o:org/x"}},
		{"openai/*", "openai/", []string{""}},
		{"openai/*", "anthropic/claude", nil},
		{"openai/*", "xopenai/gpt-4o", nil},
		{"*", "anything/at/all", []string{"anything/at/all"}},
		{"*-mini", "gpt-4o-mini", []string{"gpt-4o"}},
		{"*-mini", "gpt-4o-mini-2024", nil}, // whole names only
		{"llmengine/fo::*::static::*", "llmengine/fo::a::static::b::static::c",
			[]string{"a::static::b", "c"}}, // earlier '*'s take the most
		{"a.b+(c)/*", "a.b+(c)/x", []string{"x"}},
		{"a.b+(c)/*", "aXb+(c)/x", nil}, // no regular expression syntax
		{"gpt-4o", "gpt-4o", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.name, func(t *testing.T) {
			p := CompilePattern(tt.pattern)
			got, ok := p.Match(tt.name)
			if ok != (tt.want != nil) || ok != p.Matches(tt.name) {
				t.Fatalf("Match ok = %v, Matches = %v; want %v", ok, p.Matches(tt.name), tt.want != nil)
			}
			if ok && !slices.Equal(got, tt.want) {
				t.Errorf("matched %q, want %q", got, tt.want)
			}
		})
	}
	if (&Pattern{}).Matches("x") {
		t.Error("the zero Pattern matches")
	}
}

func TestPatternSpecificity(t *testing.T) {
	ordered := []string{"openai/gpt-4o-*", "openai/gpt-*", "openai/*-mini", "openai/*", "*-mini", "*"}
	for i, a := range ordered {
		for j, b := range ordered {
			if got := CompilePattern(a).MoreSpecific(CompilePattern(b)); got != (i < j) {
				t.Errorf("%q.MoreSpecific(%q) = %v, want %v", a, b, got, i < j)
			}
		}
	}
}

func TestExpandModel(t *testing.T) {
	tests := []struct {
		model   string
		matched []string
		name    string
		want    string
	}{
		{"anthropic/*", []string{"claude-3-5-haiku"}, "anthropic/claude-3-5-haiku", "anthropic/claude-3-5-haiku"},
		{"openai/*", []string{"foo"}, "llmengine/foo", "openai/foo"},
		{"*", []string{"gpt-4o"}, "gpt-4o", "gpt-4o"},
		{"bedrock/meta.llama3*", []string{"hello-world-", "-70b"}, "hello-world-meta.llama3-70b",
			"hello-world-meta.llama3-70b"}, // more matches than '*'s: the name
		{"openai/fo::*::static::*", []string{"a", "b"}, "x", "openai/fo::a::static::b"},
		{"openai/*-*", []string{"a"}, "x", "openai/a-*"},
		{"openai/*/*", []string{"a*b", "c"}, "x", "openai/a*b/c"},
		{"openai/gpt-4o", []string{"anything"}, "x", "openai/gpt-4o"},
	}
	for _, tt := range tests {
		if got := ExpandModel(tt.model, tt.matched, tt.name); got != tt.want {
			t.Errorf("ExpandModel(%q, %q, %q) = %q, want %q", tt.model, tt.matched, tt.name, got, tt.want)
		}
	}
}

func TestInferProvider(t *testing.T) {
	tests := []struct{ model, provider, upstream string }{
		{"gpt-4o", "openai", "gpt-4o"},
		{"claude-3-5-haiku", "anthropic", "claude-3-5-haiku"},
		{"Claude-3-Opus", "anthropic", "Claude-3-Opus"},
		{"anthropic/claude-3-5-haiku", "anthropic", "claude-3-5-haiku"},
		{"groq/llama3-8b", "groq", "llama3-8b"},
		{"meta-llama/Llama-3-8B", "openai", "meta-llama/Llama-3-8B"}, // not a provider
		{"llama3", "openai", "llama3"},
	}
	for _, tt := range tests {
		p, u := InferProvider(tt.model)
		if p != tt.provider || u != tt.upstream {
			t.Errorf("InferProvider(%q) = %q, %q; want %q, %q", tt.model, p, u, tt.provider, tt.upstream)
		}
	}
	if _, ok := FamilyProvider("llama3"); ok {
		t.Error("FamilyProvider(llama3) found a family")
	}
}

func TestPatternDeployment(t *testing.T) {
	type want struct{ Provider, Upstream string }
	tests := []struct {
		name, params string
		want         want
		wantErr      string
	}{
		{name: "anthropic/*", params: "model: anthropic/*", want: want{"anthropic", "*"}},
		{name: "*", params: "model: '*'", want: want{"", "*"}},
		{name: "*", params: "model: '*', api_base: 'http://vllm:8000/v1'", want: want{"", "*"}},
		{name: "claude-*", params: "model: claude-*", want: want{"", "claude-*"}},
		{name: "*", params: "model: '*/x'", want: want{"", "*/x"}},
		{name: "*", params: "model: '*', custom_llm_provider: openai", want: want{"openai", "*"}},
		{name: "fast/*", params: "model: openai/gpt-4o-mini", want: want{"openai", "gpt-4o-mini"}},
		{name: "gpt-4o", params: "model: openai/*",
			wantErr: `line 1: model_list[0].litellm_params.model: has a '*' but model_name "gpt-4o" has none to fill it in`},
		{name: "*", params: "model: bedrock/*",
			wantErr: `line 1: model_list[0].litellm_params.model: unknown provider "bedrock"`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.params, func(t *testing.T) {
			c, err := parseString(fmt.Sprintf("model_list: [{model_name: %q, litellm_params: {%s}}]",
				tt.name, tt.params), nil)
			if got := errText(err); (tt.wantErr == "") != (err == nil) || !strings.HasPrefix(got, tt.wantErr) {
				t.Fatalf("error = %q, want one starting %q", got, tt.wantErr)
			}
			if err != nil {
				return
			}
			p := c.ModelList[0].Params
			if diff := cmp.Diff(tt.want, want{p.Provider, p.UpstreamModel}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestPatternReferences checks that fallbacks and aliases may name a
// model that a pattern serves, and "*" as the key of a fallback entry.
func TestPatternReferences(t *testing.T) {
	const models = `model_list:
  - {model_name: "openai/*", litellm_params: {model: "openai/*"}}
  - {model_name: gpt-4o, litellm_params: {model: openai/gpt-4o}}
`
	tests := []struct{ file, wantErr string }{
		{file: "router_settings: {fallbacks: [{gpt-4o: [openai/gpt-4.1]}, {'*': [gpt-4o]}]}"},
		{file: "router_settings: {fallbacks: [{openai/gpt-4.1: [gpt-4o]}]}"},
		{file: "router_settings: {model_group_alias: {fast: openai/gpt-4o-mini}}"},
		{file: "litellm_settings: {default_fallbacks: [openai/o3]}"},
		{file: "router_settings: {fallbacks: [{gpt-4o: [anthropic/claude]}]}",
			wantErr: `line 4: router_settings.fallbacks[0].gpt-4o[0]: unknown model "anthropic/claude" (not a model_name in model_list)`},
		{file: "router_settings: {fallbacks: [{'*': [claude]}]}",
			wantErr: `line 4: router_settings.fallbacks[0].*[0]: unknown model "claude" (not a model_name in model_list)`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := parseString(models+tt.file, nil)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
