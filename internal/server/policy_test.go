package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/server"
	"github.com/litellm-go/gateway/internal/server/servertest"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/sqlstore"
)

const pricedConfig = `
model_list:
  - model_name: priced
    litellm_params: {model: openai/priced, mock_response: "a fairly long answer from the mock model"}
    model_info: {input_cost_per_token: 1.0, output_cost_per_token: 1.0}
general_settings: {master_key: sk-test-master-key}
`

const chatBody = `{"model":"priced","messages":[{"role":"user","content":"hi"}]}`

func TestRateLimitAndBudgetThroughTheGateway(t *testing.T) {
	g := servertest.Start(t, servertest.Options{Config: pricedConfig})
	var limited, budgeted apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{"rpm_limit": 2}).JSON(t, &limited)
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{"max_budget": 0.5}).JSON(t, &budgeted)

	g.MustDo(t, 200, "POST", "/v1/chat/completions", limited.Key, chatBody)
	g.MustDo(t, 200, "POST", "/v1/chat/completions", limited.Key, chatBody)
	r := g.MustDo(t, 429, "POST", "/v1/chat/completions", limited.Key, chatBody)
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	var env apitype.ErrorEnvelope
	r.JSON(t, &env)
	if !strings.Contains(env.Error.Message, "2 requests per minute") {
		t.Errorf("rate limit message = %q", env.Error.Message)
	}

	first := g.MustDo(t, 200, "POST", "/v1/chat/completions", budgeted.Key, chatBody)
	if first.Header.Get("x-litellm-response-cost") == "" || first.Header.Get("x-litellm-model-id") == "" {
		t.Errorf("response headers = %v", first.Header)
	}
	g.MustDo(t, 429, "POST", "/v1/chat/completions", budgeted.Key, chatBody).JSON(t, &env)
	if !strings.Contains(env.Error.Message, "Budget has been exceeded") {
		t.Errorf("budget message = %q", env.Error.Message)
	}

	// Spend is written in the background; it shows within seconds.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var info apitype.KeyInfoResponse
		g.MustDo(t, 200, "GET", "/key/info?key="+budgeted.Key, g.MasterKey, nil).JSON(t, &info)
		logs := g.MustDo(t, 200, "GET", "/spend/logs?api_key="+budgeted.Token, g.MasterKey, nil)
		if info.Info.Spend > 0.5 && strings.Contains(string(logs.Body), `"priced"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("spend not recorded: key spend %v, logs %s", info.Info.Spend, logs.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDisableSpendLogs: with general_settings.disable_spend_logs, a
// request's cost still adds to its key's spend, and the spend log keeps
// no record of it.
func TestDisableSpendLogs(t *testing.T) {
	cfg := strings.Replace(pricedConfig, "general_settings: {", "general_settings: {disable_spend_logs: true, ", 1)
	g := servertest.Start(t, servertest.Options{Config: cfg})
	var key apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{}).JSON(t, &key)
	g.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)

	// Stopping writes the spend still buffered; the store then tells what
	// was kept.
	g.Stop(t)
	st, err := sqlstore.Open(t.Context(), filepath.Join(g.Dir, server.DefaultDatabaseFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := st.GetKey(t.Context(), key.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := st.ListSpend(t.Context(), store.SpendFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if k.Spend <= 0 || total != 0 {
		t.Errorf("key spend %v, %d spend records; want the cost counted and no record",
			k.Spend, total)
	}
}

// TestShutdownFinishesStreams stops the gateway while a stream is in
// flight: the stream must still end with [DONE].
func TestShutdownFinishesStreams(t *testing.T) {
	release := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",` +
			`"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}` + "\n\n"
		fmt.Fprintf(w, chunk, "first")
		w.(http.Flusher).Flush()
		<-release
		fmt.Fprintf(w, chunk, "second")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer upstream.Close()
	var once sync.Once
	finish := func() { once.Do(func() { close(release) }) }
	defer finish()

	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	text := fmt.Sprintf(`
model_list:
  - model_name: slow
    litellm_params: {model: openai/slow, api_base: %s, api_key: sk-upstream}
general_settings: {master_key: sk-test-master-key}
`, upstream.URL)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), cfg, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/v1/chat/completions",
		strings.NewReader(`{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
	req.Header.Set("Authorization", "Bearer sk-test-master-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || !strings.Contains(lines.Text(), "first") {
		t.Fatalf("first event = %q", lines.Text())
	}

	stop() // SIGTERM arrives while the stream is open
	finish()
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if !strings.Contains(rest.String(), "second") || !strings.Contains(rest.String(), "[DONE]") {
		t.Errorf("stream cut by shutdown; rest:\n%s", rest.String())
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the stream ended")
	}
}

// When a budget period ends, the info routes show the period under way at
// once, though the store zeroes the spend only at its next reset round.
func TestInfoAfterBudgetPeriodEnds(t *testing.T) {
	c := &clock{}
	g := servertest.Start(t, servertest.Options{Config: pricedConfig, Now: c.Now})
	var key apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey,
		map[string]any{"max_budget": 100, "budget_duration": "1h"}).JSON(t, &key)
	g.MustDo(t, 200, "POST", "/v1/chat/completions", key.Key, chatBody)
	info := func() apitype.KeyInfo {
		var r apitype.KeyInfoResponse
		g.MustDo(t, 200, "GET", "/key/info?key="+key.Key, g.MasterKey, nil).JSON(t, &r)
		return r.Info
	}
	for deadline := time.Now().Add(5 * time.Second); info().Spend == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("spend not recorded")
		}
	}

	c.Advance(61 * time.Minute)
	got := info()
	want := key.BudgetResetAt.Add(time.Hour).Truncate(time.Microsecond) // as stored
	if got.Spend != 0 || got.BudgetResetAt == nil || !got.BudgetResetAt.Equal(want) {
		t.Errorf("after the period: spend %v, reset at %v; want 0 and %v", got.Spend, got.BudgetResetAt, want)
	}
}
