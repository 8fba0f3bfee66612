package gateway_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

const accessConfig = `
model_list:
  - model_name: gpt-a
    litellm_params: {model: openai/gpt-a, api_key: sk-provider-secret-a, mock_response: a}
    model_info: {access_groups: [cheap]}
  - model_name: gpt-b
    litellm_params: {model: openai/gpt-b, api_key: sk-provider-secret-b, mock_response: b, max_tokens: 100}
    model_info: {access_groups: [cheap, fast]}
  - model_name: claude-c
    litellm_params: {model: anthropic/claude-c, api_key: sk-provider-secret-c, mock_response: c}
general_settings:
  master_key: sk-master-access-test
`

// modelsOf lists the model ids the key sees.
func modelsOf(t *testing.T, g *servertest.Gateway, key string) []string {
	t.Helper()
	var list apitype.ModelList
	g.MustDo(t, 200, "GET", "/v1/models", key, nil).JSON(t, &list)
	if list.Object != "list" {
		t.Errorf("object = %q, want list", list.Object)
	}
	var ids []string
	for _, m := range list.Data {
		if m.Object != "model" || m.Created == 0 || m.OwnedBy == "" {
			t.Errorf("model entry not in OpenAI's shape: %+v", m)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func TestModelAccess(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: accessConfig})
	m := g.MasterKey
	g.MustDo(t, 200, "POST", "/team/new", m, map[string]any{"team_id": "cheap-team", "models": []string{"cheap"}})
	g.MustDo(t, 200, "POST", "/team/new", m, map[string]any{"team_id": "open-team"})
	g.MustDo(t, 200, "POST", "/user/new", m, map[string]any{"user_id": "limited",
		"models": []string{"claude-c"}, "auto_create_key": false})
	g.MustDo(t, 200, "POST", "/user/new", m, map[string]any{"user_id": "teamonly",
		"models": []string{"no-default-models"}, "teams": []string{"cheap-team"}, "auto_create_key": false})

	tests := []struct {
		name string
		key  map[string]any
		want []string
	}{
		{"no restriction", map[string]any{}, []string{"claude-c", "gpt-a", "gpt-b"}},
		{"explicit model", map[string]any{"models": []string{"gpt-b"}}, []string{"gpt-b"}},
		{"access group", map[string]any{"models": []string{"fast"}}, []string{"gpt-b"}},
		{"team models", map[string]any{"team_id": "cheap-team"}, []string{"gpt-a", "gpt-b"}},
		{"all-team-models", map[string]any{"team_id": "cheap-team", "models": []string{"all-team-models"}}, []string{"gpt-a", "gpt-b"}},
		{"key within team", map[string]any{"team_id": "cheap-team", "models": []string{"gpt-a", "claude-c"}}, []string{"gpt-a"}},
		{"all-proxy-models in open team", map[string]any{"team_id": "open-team", "models": []string{"all-proxy-models"}}, []string{"claude-c", "gpt-a", "gpt-b"}},
		{"user's models", map[string]any{"user_id": "limited"}, []string{"claude-c"}},
		{"user and key intersect", map[string]any{"user_id": "limited", "models": []string{"gpt-a", "claude-c"}}, []string{"claude-c"}},
		{"no-default-models alone", map[string]any{"user_id": "teamonly"}, nil},
		{"no-default-models on a team key", map[string]any{"user_id": "teamonly", "team_id": "cheap-team"}, []string{"gpt-a", "gpt-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k apitype.GenerateKeyResponse
			g.MustDo(t, 200, "POST", "/key/generate", m, tt.key).JSON(t, &k)
			got := modelsOf(t, g, k.Key)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			for _, special := range []string{"all-team-models", "all-proxy-models", "no-default-models", "cheap", "fast"} {
				if slices.Contains(got, special) {
					t.Errorf("special name %q leaked as a model id", special)
				}
			}
		})
	}
}

func TestModelInfoHasNoSecrets(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: accessConfig})
	r := g.MustDo(t, 200, "GET", "/model/info", g.MasterKey, nil)
	if strings.Contains(string(r.Body), "sk-provider-secret") || strings.Contains(string(r.Body), "api_key") {
		t.Fatalf("/model/info leaks a provider key: %s", r.Body)
	}
	var info apitype.DeploymentList
	r.JSON(t, &info)
	if len(info.Data) != 3 {
		t.Fatalf("deployments = %d, want 3", len(info.Data))
	}
	b := info.Data[1]
	if b.ModelName != "gpt-b" || b.LitellmParams["model"] != "openai/gpt-b" || b.LitellmParams["max_tokens"] == nil {
		t.Errorf("gpt-b deployment = %+v", b)
	}
	if b.ModelInfo["id"] == "" || b.ModelInfo["db_model"] != false {
		t.Errorf("gpt-b model_info = %+v", b.ModelInfo)
	}
	g.MustDo(t, 200, "GET", "/v1/model/info", g.MasterKey, nil)
}

func TestModelsAddedAtRunTime(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: accessConfig})
	m := g.MasterKey
	var k apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", m, map[string]any{"models": []string{"cheap"}}).JSON(t, &k)

	var added apitype.Deployment
	g.MustDo(t, 200, "POST", "/model/new", m, map[string]any{
		"model_name":     "gpt-d",
		"litellm_params": map[string]any{"model": "openai/gpt-d", "api_key": "sk-provider-secret-d", "mock_response": "d"},
		"model_info":     map[string]any{"access_groups": []string{"cheap"}},
	}).JSON(t, &added)
	if _, leaked := added.LitellmParams["api_key"]; leaked {
		t.Errorf("/model/new answers with the api_key: %+v", added.LitellmParams)
	}
	id, _ := added.ModelInfo["id"].(string)
	if id == "" {
		t.Fatalf("no id in %+v", added.ModelInfo)
	}
	// The new model joins its access group at once.
	if diff := cmp.Diff([]string{"gpt-a", "gpt-b", "gpt-d"}, modelsOf(t, g, k.Key)); diff != "" {
		t.Errorf("models after /model/new (-want +got):\n%s", diff)
	}
	r := g.MustDo(t, 200, "GET", "/model/info", m, nil)
	if strings.Contains(string(r.Body), "sk-provider-secret-d") {
		t.Error("/model/info leaks the stored model's key")
	}

	for _, tt := range []struct {
		name   string
		body   any
		status int
		detail string
	}{
		{"missing provider", map[string]any{"model_name": "x", "litellm_params": map[string]any{"model": "gpt-x"}}, 400, "provider"},
		{"no model name", map[string]any{"litellm_params": map[string]any{"model": "openai/x"}}, 400, "model_name"},
		{"duplicate id", map[string]any{"model_name": "x", "litellm_params": map[string]any{"model": "openai/x"},
			"model_info": map[string]any{"id": id}}, 400, "already exists"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d := g.MustDo(t, tt.status, "POST", "/model/new", m, tt.body).Detail(t); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q does not mention %q", d, tt.detail)
			}
		})
	}

	var cfgInfo apitype.DeploymentList
	g.MustDo(t, 200, "GET", "/model/info", m, nil).JSON(t, &cfgInfo)
	fromConfig := cfgInfo.Data[0].ModelInfo["id"].(string)
	g.MustDo(t, 400, "POST", "/model/delete", m, map[string]any{"id": fromConfig})
	g.MustDo(t, 404, "POST", "/model/delete", m, map[string]any{"id": "nope"})
	g.MustDo(t, 200, "POST", "/model/delete", m, map[string]any{"id": id})
	if diff := cmp.Diff([]string{"gpt-a", "gpt-b"}, modelsOf(t, g, k.Key)); diff != "" {
		t.Errorf("models after /model/delete (-want +got):\n%s", diff)
	}
}
