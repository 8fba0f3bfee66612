package gateway_test

import (
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// wildcardConfig routes whole families of models, priced by the built-in
// list unless model_info says otherwise.
const wildcardConfig = `
model_list:
  - model_name: "anthropic/*"
    litellm_params: {model: "anthropic/*", api_base: "{anthropic}"}
    model_info: {id: dep-anthropic}
  - model_name: "openai/*"
    litellm_params: {model: "openai/*", api_base: "{openai}"}
    model_info: {id: dep-openai}
  - model_name: "priced/*"
    litellm_params: {model: "openai/*", api_base: "{openai}"}
    model_info: {id: dep-priced, input_cost_per_token: 0.001, output_cost_per_token: 0.002}
  - model_name: "ant/*"
    litellm_params: {model: "*", api_base: "{anthropic}"}
    model_info: {id: dep-ant-any}
  - model_name: "*"
    litellm_params: {model: "*", api_base: "{openai}"}
    model_info: {id: dep-any}
`

func TestWildcardChat(t *testing.T) {
	oai, ant := newUpstream(t, openAIUpstream(answer)), newUpstream(t, anthropicUpstream(answer))
	cfg := strings.NewReplacer("{openai}", oai.URL, "{anthropic}", ant.URL).Replace(wildcardConfig)
	perM := func(in, out float64) float64 { return (promptTokens*in + completionTokens*out) / 1e6 }
	tests := []struct {
		model    string
		up       *upstream
		upModel  string // what the upstream was asked for
		id       string
		provider string
		cost     float64
		outPrice float64 // per token, for the budget estimate
	}{
		{"anthropic/claude-3-5-haiku", ant, "claude-3-5-haiku", "dep-anthropic", "anthropic",
			perM(0.80, 4.00), 4.00e-6},
		{"openai/gpt-4o", oai, "gpt-4o", "dep-openai", "openai", perM(2.50, 10.00), 10.00e-6},
		{"openai/my-finetune", oai, "my-finetune", "dep-openai", "openai", 0, 0},
		{"priced/gpt-4o", oai, "gpt-4o", "dep-priced", "openai",
			promptTokens*0.001 + completionTokens*0.002, 0.002},
		{"ant/claude-3-haiku", ant, "claude-3-haiku", "dep-ant-any", "anthropic", perM(0.25, 1.25), 1.25e-6},
		{"gpt-4o-mini", oai, "gpt-4o-mini", "dep-any", "openai", perM(0.15, 0.60), 0.60e-6},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			l, rec := &limiter{}, &recorder{}
			h := inProcess(t, cfg, l, rec)
			resp := chatRequest(h, tt.model)
			if resp.Code != 200 || !strings.Contains(resp.Body.String(), answer) {
				t.Fatalf("status %d: %s", resp.Code, resp.Body)
			}
			if got := tt.up.last(t).body["model"]; got != tt.upModel {
				t.Errorf("upstream asked for %v, want %s", got, tt.upModel)
			}
			if got := resp.Header().Get("X-Litellm-Model-Id"); got != tt.id {
				t.Errorf("x-litellm-model-id = %q, want %q", got, tt.id)
			}
			if got := resp.Header().Get("X-Litellm-Model-Group"); got != tt.model {
				t.Errorf("x-litellm-model-group = %q, want %q", got, tt.model)
			}
			checkCost(t, resp.Header(), tt.cost)
			if len(rec.recs) != 1 {
				t.Fatalf("spend records = %d, want 1", len(rec.recs))
			}
			r := rec.recs[0]
			if r.Model != tt.model || r.DeploymentID != tt.id || r.Provider != tt.provider ||
				math.Abs(r.Cost-tt.cost) > 1e-12 {
				t.Errorf("spend record = %+v", r)
			}
			// chatRequest asks for at most 10 tokens.
			if len(l.estimates) != 1 || math.Abs(l.estimates[0]-10*tt.outPrice) > 1e-12 {
				t.Errorf("estimates = %v, want [%g]", l.estimates, 10*tt.outPrice)
			}
		})
	}
}

// An Anthropic Messages request that "*" sends to Anthropic goes through
// natively, not as a chat completion.
func TestWildcardMessages(t *testing.T) {
	oai, ant := newUpstream(t, openAIUpstream(answer)), newUpstream(t, anthropicUpstream(answer))
	cfg := strings.NewReplacer("{openai}", oai.URL, "{anthropic}", ant.URL).Replace(wildcardConfig)
	h := inProcess(t, cfg, nil, nil)
	for _, model := range []string{"ant/claude-3-haiku", "anthropic/claude-3-haiku"} {
		req := httptest.NewRequest("POST", "/v1/messages", strings.NewReader(`{"model":"`+model+
			`","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}`))
		req.Header.Set("Authorization", "Bearer "+inProcessMaster)
		resp := httptest.NewRecorder()
		h.ServeHTTP(resp, req)
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), `"type":"message"`) {
			t.Fatalf("%s: status %d: %s", model, resp.Code, resp.Body)
		}
		if got := ant.last(t); got.path != "/v1/messages" || got.body["model"] != "claude-3-haiku" ||
			got.body["messages"] == nil {
			t.Errorf("%s: upstream got %s %v", model, got.path, got.body)
		}
	}
}

// wildcardAccessConfig has patterns answered by mocks.
const wildcardAccessConfig = `
model_list:
  - model_name: "openai/*"
    litellm_params: {model: "openai/*", mock_response: "from openai"}
  - model_name: "anthropic/*"
    litellm_params: {model: "anthropic/*", mock_response: "from anthropic"}
  - model_name: "gpt-*"
    litellm_params: {model: "openai/gpt-*", mock_response: "from gpt"}
general_settings:
  master_key: sk-master-wildcard-test
`

func TestWildcardAccess(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: wildcardAccessConfig})
	m := g.MasterKey
	g.MustDo(t, 200, "POST", "/team/new", m, map[string]any{"team_id": "openai-team",
		"models": []string{"openai/*"}})
	// GET /v1/models lists what the patterns serve of the known models;
	// bare names of OpenAI's family go to "gpt-*".
	gpts := family("gpt-", knownOpenAI)
	type call struct {
		model  string
		status int
	}
	tests := []struct {
		name   string
		key    map[string]any
		calls  []call
		models []string // GET /v1/models, patterns expanded
	}{
		{name: "pattern", key: map[string]any{"models": []string{"openai/*"}},
			calls: []call{{"openai/gpt-4o", 200}, {"anthropic/claude-3-haiku", 403},
				{"gpt-4o", 200}, // OpenAI's family, as LiteLLM
				{"mistral/large", 404}},
			models: sorted(gpts, under("openai/", knownOpenAI))},
		{name: "exact name served by a pattern", key: map[string]any{"models": []string{"openai/gpt-4o"}},
			calls:  []call{{"openai/gpt-4o", 200}, {"openai/gpt-4.1", 403}, {"gpt-4o", 403}},
			models: []string{"openai/gpt-4o"}},
		{name: "own name served by a pattern", key: map[string]any{"models": []string{"openai/o3", "openai/my-finetune", "openai/gpt-4o"}},
			calls:  []call{{"openai/my-finetune", 200}, {"openai/gpt-4o", 200}, {"openai/other", 403}},
			models: []string{"openai/gpt-4o", "openai/my-finetune", "openai/o3"}},
		{name: "everything", key: map[string]any{"models": []string{"*"}},
			calls:  []call{{"anthropic/claude-3-haiku", 200}, {"gpt-4o", 200}},
			models: sorted(under("anthropic/", knownAnthropic), gpts, under("openai/", knownOpenAI))},
		{name: "key within a pattern team", key: map[string]any{"team_id": "openai-team",
			"models": []string{"openai/gpt-4o", "anthropic/claude-3-haiku"}},
			calls:  []call{{"openai/gpt-4o", 200}, {"anthropic/claude-3-haiku", 403}, {"openai/o3", 403}},
			models: []string{"openai/gpt-4o"}},
		{name: "own names within a pattern team", key: map[string]any{"team_id": "openai-team",
			"models": []string{"openai/zz-tuned", "anthropic/my-claude", "gpt-custom"}},
			calls: []call{{"openai/zz-tuned", 200}, {"anthropic/my-claude", 403}, {"gpt-custom", 200}},
			// gpt-custom is OpenAI's family, so "openai/*" allows it, and
			// "gpt-*" serves it.
			models: []string{"gpt-custom", "openai/zz-tuned"}},
		{name: "pattern team, pattern key", key: map[string]any{"team_id": "openai-team",
			"models": []string{"openai/gpt-*", "anthropic/*"}},
			calls:  []call{{"openai/gpt-4.1", 200}, {"openai/o3", 403}, {"anthropic/claude-3-haiku", 403}},
			models: sorted(gpts, under("openai/", gpts))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k apitype.GenerateKeyResponse
			g.MustDo(t, 200, "POST", "/key/generate", m, tt.key).JSON(t, &k)
			for _, c := range tt.calls {
				resp := post(t, g, "/v1/chat/completions", k.Key,
					`{"model":"`+c.model+`","messages":[{"role":"user","content":"Hi"}]}`)
				body := readAll(t, resp.Body)
				if resp.StatusCode != c.status {
					t.Errorf("%s: status %d, want %d: %s", c.model, resp.StatusCode, c.status, body)
				}
				if c.status == 403 && !strings.Contains(body, c.model) {
					t.Errorf("%s: the 403 does not name the model: %s", c.model, body)
				}
			}
			if diff := cmp.Diff(tt.models, modelsOf(t, g, k.Key)); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			// Each listed name is retrieved; a pattern, or a name a pattern
			// serves that the key does not list, is not.
			checkGetModel(t, g, k.Key, tt.models, append([]string{"openai/*", "openai/zz-unlisted"},
				tt.models...)...)
		})
	}
	// A pattern that matches no model of the gateway is not a model.
	g.MustDo(t, 400, "POST", "/key/generate", m, map[string]any{"models": []string{"bedrock/*"}})
}

// knownOpenAI and knownAnthropic are the known models (spend.KnownModels)
// of each provider, which GET /v1/models lists under a pattern.
var (
	knownOpenAI = []string{"gpt-3.5-turbo", "gpt-4-turbo", "gpt-4.1", "gpt-4.1-mini",
		"gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o1", "o3", "o3-mini", "o4-mini"}
	knownAnthropic = []string{"claude-3-5-haiku-latest", "claude-3-5-sonnet-latest",
		"claude-3-7-sonnet-latest", "claude-3-haiku-20240307", "claude-3-opus-latest",
		"claude-opus-4-20250514", "claude-sonnet-4-20250514"}
)

// under returns models named in a pattern's namespace, such as "openai/".
func under(namespace string, models []string) []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = namespace + m
	}
	return out
}

// family returns the models whose names start with prefix.
func family(prefix string, models []string) []string {
	return slices.DeleteFunc(slices.Clone(models), func(m string) bool {
		return !strings.HasPrefix(m, prefix)
	})
}

// sorted joins lists in the order GET /v1/models lists names.
func sorted(lists ...[]string) []string {
	out := slices.Concat(lists...)
	slices.Sort(out)
	return out
}

// A model name with a '/' is retrieved whether the client escapes it in
// the path or not.
func TestGetModelEscapedSlash(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: wildcardAccessConfig})
	for _, path := range []string{"/v1/models/openai/gpt-4o", "/v1/models/openai%2Fgpt-4o"} {
		var m apitype.Model
		g.MustDo(t, 200, "GET", path, g.MasterKey, nil).JSON(t, &m)
		if m.ID != "openai/gpt-4o" {
			t.Errorf("GET %s = %+v", path, m)
		}
	}
}
