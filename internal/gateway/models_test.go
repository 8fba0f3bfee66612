package gateway_test

import (
	"net/http"
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
	return listModels(t, g, "/v1/models", key).ids()
}

// listedModels are the models of a GET /v1/models answer.
type listedModels []apitype.Model

func (l listedModels) ids() []string {
	var ids []string
	for _, m := range l {
		ids = append(ids, m.ID)
	}
	return ids
}

// listModels returns the models of a GET /v1/models (or /models, with a
// query) that the key makes, checking their shape.
func listModels(t *testing.T, g *servertest.Gateway, path, key string) listedModels {
	t.Helper()
	var list apitype.ModelList
	g.MustDo(t, 200, "GET", path, key, nil).JSON(t, &list)
	if list.Object != "list" {
		t.Errorf("object = %q, want list", list.Object)
	}
	for _, m := range list.Data {
		if m.Object != "model" || m.Created == 0 || m.OwnedBy == "" {
			t.Errorf("model entry not in OpenAI's shape: %+v", m)
		}
	}
	return list.Data
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
			checkGetModel(t, g, k.Key, got, "claude-c", "gpt-a", "gpt-b", "nosuch", "cheap")
		})
	}
}

// checkGetModel checks that GET /v1/models/{name} answers each of names
// with its entry when listed is the caller's list, else with a 404.
func checkGetModel(t *testing.T, g *servertest.Gateway, key string, listed []string, names ...string) {
	t.Helper()
	for _, name := range names {
		if !slices.Contains(listed, name) {
			var e struct {
				Error struct{ Message, Code string }
			}
			g.MustDo(t, 404, "GET", "/v1/models/"+name, key, nil).JSON(t, &e)
			if e.Error.Code != "model_not_found" || !strings.Contains(e.Error.Message, name) {
				t.Errorf("GET /v1/models/%s: error %+v", name, e.Error)
			}
			continue
		}
		var m apitype.Model
		g.MustDo(t, 200, "GET", "/models/"+name, key, nil).JSON(t, &m)
		if m.ID != name || m.Object != "model" || m.OwnedBy == "" || m.Created == 0 {
			t.Errorf("GET /models/%s = %+v", name, m)
		}
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

// listConfig has patterns beside model names that some of them match, an
// alias that one of them matches, and a pattern of a provider with no
// known models. Every deployment answers from {upstream}.
const listConfig = `
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-gpt-4o}
  - model_name: anthropic/claude-3-opus-latest
    litellm_params: {model: anthropic/claude-3-opus-latest, api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-opus}
  - model_name: "openai/gpt-4.1*"
    litellm_params: {model: "openai/gpt-4.1*", api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-gpt-4.1}
  - model_name: "anthropic/*"
    litellm_params: {model: "anthropic/*", api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-anthropic}
  - model_name: "o3*"
    litellm_params: {model: "openai/o3*", api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-o3}
  - model_name: "*"
    litellm_params: {model: "*", api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-any}
  - model_name: "groq/*"
    litellm_params: {model: "groq/*", api_base: "{upstream}", api_key: sk-up}
    model_info: {id: dep-groq}
router_settings:
  model_group_alias: {gpt-4o-mini: gpt-4o}
general_settings:
  master_key: sk-master-list-test
`

// listed is what listConfig lists for the master key: the known models by
// their bare names, under "*" and, for o3 and o3-mini, "o3*", but for
// gpt-4o, a model name, and gpt-4o-mini, an alias; under
// "openai/gpt-4.1*" the three it matches; under "anthropic/*" Anthropic's,
// claude-3-opus-latest being a model name; nothing under "groq/*".
var listed = []string{
	"anthropic/claude-3-5-haiku-latest",
	"anthropic/claude-3-5-sonnet-latest",
	"anthropic/claude-3-7-sonnet-latest",
	"anthropic/claude-3-haiku-20240307",
	"anthropic/claude-3-opus-latest",
	"anthropic/claude-opus-4-20250514",
	"anthropic/claude-sonnet-4-20250514",
	"claude-3-5-haiku-latest",
	"claude-3-5-sonnet-latest",
	"claude-3-7-sonnet-latest",
	"claude-3-haiku-20240307",
	"claude-3-opus-latest",
	"claude-opus-4-20250514",
	"claude-sonnet-4-20250514",
	"gpt-3.5-turbo",
	"gpt-4-turbo",
	"gpt-4.1",
	"gpt-4.1-mini",
	"gpt-4.1-nano",
	"gpt-4o",
	"o1",
	"o3",
	"o3-mini",
	"o4-mini",
	"openai/gpt-4.1",
	"openai/gpt-4.1-mini",
	"openai/gpt-4.1-nano",
}

// startListGateway starts a gateway of listConfig whose deployments
// answer from one upstream, in OpenAI's format or Anthropic's.
func startListGateway(t *testing.T) (*servertest.Gateway, *upstream) {
	t.Helper()
	oai, ant := openAIUpstream(answer), anthropicUpstream(answer)
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/messages" {
			ant(w, r)
			return
		}
		oai(w, r)
	})
	cfg := strings.ReplaceAll(listConfig, "{upstream}", up.URL)
	return servertest.Start(t, servertest.Options{Config: cfg}), up
}

func TestListModelsExpandsPatterns(t *testing.T) {
	g, _ := startListGateway(t)
	m := g.MasterKey

	all := listModels(t, g, "/v1/models", m)
	if diff := cmp.Diff(listed, all.ids()); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	owners := map[string]string{}
	for _, e := range all {
		owners[e.ID] = e.OwnedBy
	}
	for id, want := range map[string]string{"claude-3-haiku-20240307": "anthropic", "o1": "openai",
		"anthropic/claude-opus-4-20250514": "anthropic", "openai/gpt-4.1-nano": "openai"} {
		if owners[id] != want {
			t.Errorf("%s is owned by %q, want %q", id, owners[id], want)
		}
	}

	patterns := []string{"*", "anthropic/*", "groq/*", "o3*", "openai/gpt-4.1*"}
	if diff := cmp.Diff(sorted(listed, patterns),
		listModels(t, g, "/models?return_wildcard_routes=true", m).ids()); diff != "" {
		t.Errorf("models with return_wildcard_routes (-want +got):\n%s", diff)
	}

	gpt41 := family("gpt-4.1", knownOpenAI)
	tests := []struct {
		name   string
		models []string // of the key
		query  string
		want   []string
	}{
		{"provider pattern", []string{"anthropic/*"}, "",
			// Bare names of Anthropic's family too, as the access check.
			sorted(knownAnthropic, under("anthropic/", knownAnthropic))},
		{"narrower pattern than the deployment's", []string{"openai/gpt-4.1*"}, "",
			sorted(gpt41, under("openai/", gpt41))},
		{"names", []string{"gpt-4o", "gpt-4o-mini", "claude-3-haiku-20240307",
			"openai/gpt-4.1-nano"}, "",
			[]string{"claude-3-haiku-20240307", "gpt-4o", "openai/gpt-4.1-nano"}},
		{"patterns on request", []string{"anthropic/*"}, "?return_wildcard_routes=true",
			sorted(knownAnthropic, under("anthropic/", knownAnthropic), []string{"anthropic/*"})},
		{"patterns not requested", []string{"anthropic/*"}, "?return_wildcard_routes=false",
			sorted(knownAnthropic, under("anthropic/", knownAnthropic))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var k apitype.GenerateKeyResponse
			g.MustDo(t, 200, "POST", "/key/generate", m, map[string]any{"models": tt.models}).JSON(t, &k)
			got := listModels(t, g, "/v1/models"+tt.query, k.Key).ids()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
		})
	}
}

// Every name GET /v1/models lists is answered, by the deployment of the
// pattern it was listed under, which asks the upstream for the known model.
func TestListedModelsAreServed(t *testing.T) {
	g, up := startListGateway(t)
	names := listModels(t, g, "/v1/models", g.MasterKey).ids()
	if len(names) < len(listed) {
		t.Fatalf("GET /v1/models lists %d models, want %d", len(names), len(listed))
	}
	for _, name := range names {
		resp := post(t, g, "/v1/chat/completions", g.MasterKey,
			`{"model":"`+name+`","messages":[{"role":"user","content":"Hi"}]}`)
		if body := readAll(t, resp.Body); resp.StatusCode != 200 || !strings.Contains(body, answer) {
			t.Errorf("%s: status %d: %s", name, resp.StatusCode, body)
			continue
		}
		var wantID string
		switch {
		case name == "gpt-4o":
			wantID = "dep-gpt-4o"
		case name == "anthropic/claude-3-opus-latest":
			wantID = "dep-opus"
		case strings.HasPrefix(name, "openai/gpt-4.1"):
			wantID = "dep-gpt-4.1"
		case strings.HasPrefix(name, "o3"):
			wantID = "dep-o3"
		case strings.HasPrefix(name, "anthropic/"):
			wantID = "dep-anthropic"
		default:
			wantID = "dep-any"
		}
		if got := resp.Header.Get("X-Litellm-Model-Id"); got != wantID {
			t.Errorf("%s: served by %q, want %q", name, got, wantID)
		}
		model := name[strings.LastIndexByte(name, '/')+1:]
		wantPath := "/chat/completions"
		if strings.HasPrefix(model, "claude") {
			wantPath = "/v1/messages"
		}
		if got := up.last(t); got.body["model"] != model || !strings.HasSuffix(got.path, wantPath) {
			t.Errorf("%s: the upstream got %s for %v, want %s for %s", name, got.path, got.body["model"],
				wantPath, model)
		}
	}
}
