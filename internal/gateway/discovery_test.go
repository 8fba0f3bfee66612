package gateway_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/server/servertest"
)

// discoveryConfig has patterns whose upstreams list their models, and
// one whose upstream fails to.
const discoveryConfig = `
model_list:
  - model_name: "openai/*"
    litellm_params: {model: "openai/*", api_base: "{openai}/v1", api_key: sk-upstream-openai-secret}
  - model_name: "gpt-*"
    litellm_params: {model: "openai/gpt-*", api_base: "{openai}/v1", api_key: sk-upstream-openai-secret}
  - model_name: "vllm/*"
    litellm_params: {model: "hosted_vllm/*", api_base: "{vllm}/v1"}
  - model_name: "anthropic/*"
    litellm_params: {model: "anthropic/*", api_base: "{anthropic}", api_key: sk-upstream-anthropic-secret}
litellm_settings:
  check_provider_endpoint: true
general_settings:
  master_key: sk-master-discovery-test
`

// modelLister is a fake upstream's GET /v1/models, with a list that a
// test can change, or fail.
type modelLister struct {
	mu    sync.Mutex
	ids   []string
	fail  bool
	calls atomic.Int32
	chat  http.HandlerFunc
}

func (l *modelLister) set(ids []string, fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids, l.fail = ids, fail
}

func (l *modelLister) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/v1/models" {
		l.chat(w, r)
		return
	}
	l.calls.Add(1)
	l.mu.Lock()
	ids, fail := l.ids, l.fail
	l.mu.Unlock()
	if fail {
		// An upstream that quotes the key it was given.
		http.Error(w, `{"error":{"message":"invalid key `+r.Header.Get("X-Api-Key")+`"}}`, 500)
		return
	}
	data := []map[string]string{}
	for _, id := range ids {
		data = append(data, map[string]string{"id": id, "object": "model"})
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "has_more": false})
}

// lockedBuffer is a log that the gateway writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestCheckProviderEndpoint(t *testing.T) {
	oai := &modelLister{ids: []string{"gpt-4o", "my-finetune", "gpt-x-preview"}, chat: openAIUpstream(answer)}
	vllm := &modelLister{ids: []string{"meta-llama/Llama-3-8B"}, chat: openAIUpstream(answer)}
	ant := &modelLister{fail: true, chat: anthropicUpstream(answer)}
	cfg := strings.NewReplacer("{openai}", newUpstream(t, oai.ServeHTTP).URL,
		"{vllm}", newUpstream(t, vllm.ServeHTTP).URL,
		"{anthropic}", newUpstream(t, ant.ServeHTTP).URL).Replace(discoveryConfig)
	var now atomic.Int64 // the gateway's clock, which the test moves
	now.Store(time.Now().UnixNano())
	advance := func(d time.Duration) { now.Add(int64(d)) }
	var log lockedBuffer
	g := servertest.Start(t, servertest.Options{Config: cfg,
		Now: func() time.Time { return time.Unix(0, now.Load()) },
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	m := g.MasterKey

	// What the upstreams list, in each pattern's namespace; "gpt-*"
	// lists the names it serves; Anthropic's failed, so the known models.
	want := sorted([]string{"gpt-4o", "gpt-x-preview"},
		[]string{"openai/gpt-4o", "openai/gpt-x-preview", "openai/my-finetune"},
		[]string{"vllm/meta-llama/Llama-3-8B"},
		under("anthropic/", knownAnthropic))
	if diff := cmp.Diff(want, modelsOf(t, g, m)); diff != "" {
		t.Fatalf("models (-want +got):\n%s", diff)
	}
	// Both OpenAI deployments asked, once each; the next listing asks no one.
	modelsOf(t, g, m)
	if oai.calls.Load() != 2 || vllm.calls.Load() != 1 || ant.calls.Load() != 1 {
		t.Errorf("model list requests: openai %d, vllm %d, anthropic %d; want 2, 1, 1",
			oai.calls.Load(), vllm.calls.Load(), ant.calls.Load())
	}
	// Listed names are served, as the upstream named them.
	for _, name := range []string{"openai/my-finetune", "vllm/meta-llama/Llama-3-8B", "gpt-x-preview"} {
		resp := post(t, g, "/v1/chat/completions", m,
			`{"model":"`+name+`","messages":[{"role":"user","content":"Hi"}]}`)
		if body := readAll(t, resp.Body); resp.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", name, resp.StatusCode, body)
		}
	}

	// A failed list is tried again after a minute; a read list after ten.
	oai.set([]string{"gpt-4o", "gpt-new"}, false)
	ant.set([]string{"claude-fresh"}, false)
	advance(2 * time.Minute)
	modelsOf(t, g, m) // starts the retry, which this request waits for
	want = sorted([]string{"gpt-4o", "gpt-x-preview"},
		[]string{"openai/gpt-4o", "openai/gpt-x-preview", "openai/my-finetune"},
		[]string{"vllm/meta-llama/Llama-3-8B", "anthropic/claude-fresh"})
	if diff := cmp.Diff(want, modelsOf(t, g, m)); diff != "" {
		t.Errorf("after the retry (-want +got):\n%s", diff)
	}
	advance(10 * time.Minute)
	modelsOf(t, g, m) // answered from the old lists while they are read again
	want = sorted([]string{"gpt-4o", "gpt-new"}, []string{"openai/gpt-4o", "openai/gpt-new"},
		[]string{"vllm/meta-llama/Llama-3-8B", "anthropic/claude-fresh"})
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := modelsOf(t, g, m)
		if cmp.Equal(want, got) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the lists expired (-want +got):\n%s", cmp.Diff(want, got))
		}
		time.Sleep(10 * time.Millisecond)
	}

	if strings.Contains(log.String(), "sk-upstream-") {
		t.Errorf("the log quotes an upstream key:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "list upstream models") {
		t.Errorf("the failed list was not logged:\n%s", log.String())
	}
}

// Without check_provider_endpoint no upstream is asked.
func TestNoProviderEndpointCheck(t *testing.T) {
	oai := &modelLister{ids: []string{"my-finetune"}, chat: openAIUpstream(answer)}
	url := newUpstream(t, oai.ServeHTTP).URL
	cfg := strings.NewReplacer("{openai}", url, "{vllm}", url, "{anthropic}", url,
		"check_provider_endpoint: true", "check_provider_endpoint: false").Replace(discoveryConfig)
	g := servertest.Start(t, servertest.Options{Config: cfg})
	got := modelsOf(t, g, g.MasterKey)
	if oai.calls.Load() != 0 || !strings.Contains(strings.Join(got, " "), "openai/gpt-4o-mini") {
		t.Errorf("%d model list requests, models %q; want none, and the known models", oai.calls.Load(), got)
	}
}
