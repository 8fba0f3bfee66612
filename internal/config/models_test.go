package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProviderPrefix(t *testing.T) {
	type want struct{ Provider, Upstream, APIBase, APIVersion string }
	tests := []struct {
		name    string
		params  string // inside litellm_params: {...}
		env     map[string]string
		want    want
		wantErr string
	}{
		{
			name:   "openai",
			params: "model: openai/gpt-4o",
			want:   want{Provider: "openai", Upstream: "gpt-4o"},
		},
		{
			name:   "split at the first slash",
			params: "model: hosted_vllm/meta-llama/Llama-3-8B, api_base: 'http://h:8000/v1'",
			want: want{Provider: "hosted_vllm", Upstream: "meta-llama/Llama-3-8B",
				APIBase: "http://h:8000/v1"},
		},
		{
			name:   "custom_llm_provider",
			params: "model: gpt-4o, custom_llm_provider: openai",
			want:   want{Provider: "openai", Upstream: "gpt-4o"},
		},
		{
			name:   "custom_llm_provider repeated in model",
			params: "model: groq/llama3, custom_llm_provider: groq",
			want:   want{Provider: "groq", Upstream: "llama3"},
		},
		{
			name:   "azure defaults",
			params: "model: azure/gpt-4o, api_base: 'https://x.openai.azure.com'",
			want: want{Provider: "azure", Upstream: "gpt-4o",
				APIBase: "https://x.openai.azure.com", APIVersion: DefaultAzureAPIVersion},
		},
		{
			name:   "azure from environment",
			params: "model: azure/gpt-4o",
			env:    map[string]string{"AZURE_API_BASE": "https://e", "AZURE_API_VERSION": "2024-10-21"},
			want: want{Provider: "azure", Upstream: "gpt-4o",
				APIBase: "https://e", APIVersion: "2024-10-21"},
		},
		{
			name:    "no prefix",
			params:  "model: gpt-4o",
			wantErr: `line 1: model_list[0].litellm_params.model: missing provider prefix (such as "openai/gpt-4o")`,
		},
		{
			name:    "unknown provider",
			params:  "model: vertex_ai/gemini",
			wantErr: `line 1: model_list[0].litellm_params.model: unknown provider "vertex_ai" (supported: `,
		},
		{
			name:    "unknown custom_llm_provider",
			params:  "model: gemini, custom_llm_provider: vertex_ai",
			wantErr: `line 1: model_list[0].litellm_params.custom_llm_provider: unknown provider "vertex_ai"`,
		},
		{
			name:    "empty upstream",
			params:  "model: anthropic/",
			wantErr: `line 1: model_list[0].litellm_params.model: missing model name after "anthropic/"`,
		},
		{
			name:    "missing model",
			params:  "rpm: 1",
			wantErr: `line 1: model_list[0].litellm_params.model: required (such as "openai/gpt-4o")`,
		},
		{
			name:    "azure without api_base",
			params:  "model: azure/gpt-4o",
			wantErr: "line 1: model_list[0].litellm_params.api_base: required for azure (or set AZURE_API_BASE)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := fmt.Sprintf("model_list: [{model_name: m, litellm_params: {%s}}]", tt.params)
			c, err := parseString(file, tt.env)
			got := errText(err)
			if (tt.wantErr == "") != (err == nil) || !strings.HasPrefix(got, tt.wantErr) {
				t.Fatalf("error = %q, want one starting %q", got, tt.wantErr)
			}
			if err != nil {
				return
			}
			p := c.ModelList[0].Params
			params := want{p.Provider, p.UpstreamModel, p.APIBase, p.APIVersion}
			if diff := cmp.Diff(tt.want, params); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeploymentID(t *testing.T) {
	const file = `model_list:
  - {model_name: a, litellm_params: {model: openai/x}}
  - {model_name: a, litellm_params: {model: openai/x}}
  - {model_name: b, litellm_params: {model: openai/x}, model_info: {id: mine}}
`
	ids := func() []string {
		c, err := parseString(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range c.ModelList {
			out = append(out, m.Info.ID)
		}
		return out
	}
	first, second := ids(), ids()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("ids differ between two parses of one file (-first +second):\n%s", diff)
	}
	if first[0] == first[1] || first[0] == "" {
		t.Errorf("identical deployments got ids %q and %q, want distinct", first[0], first[1])
	}
	if first[2] != "mine" {
		t.Errorf("explicit id = %q, want %q", first[2], "mine")
	}
}

func TestProviders(t *testing.T) {
	for _, p := range []string{"openai", "hosted_vllm", "ollama_chat", "text-completion-openai"} {
		if !IsOpenAICompatible(p) || !IsKnownProvider(p) {
			t.Errorf("%s: want OpenAI-compatible and known", p)
		}
	}
	for _, p := range []string{"azure", "anthropic"} {
		if IsOpenAICompatible(p) || !IsKnownProvider(p) {
			t.Errorf("%s: want known, not OpenAI-compatible", p)
		}
	}
	if IsKnownProvider("bedrock") || IsKnownProvider("") {
		t.Error("bedrock and the empty name must be unknown")
	}
	if all := KnownProviders(); !slices.IsSorted(all) || len(all) != len(OpenAICompatibleProviders)+2 {
		t.Errorf("KnownProviders() = %v, want the sorted union", all)
	}
}

func TestDir(t *testing.T) {
	c, err := Load("testdata/valid/minimal.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(c.Path) || c.Dir() != filepath.Dir(c.Path) {
		t.Errorf("Path = %q, Dir() = %q; want an absolute path and its directory", c.Path, c.Dir())
	}
	c, err = parseString("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir() != "." {
		t.Errorf("Dir() after Parse = %q, want %q", c.Dir(), ".")
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/no-such-file.yaml", nil)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load error = %v, want one wrapping fs.ErrNotExist", err)
	}
}
