package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
)

// Prices of the model the spend tests use, per token.
const (
	loadInputPrice  = 0.000001
	loadOutputPrice = 0.000002
)

// spendLog is the part of a GET /spend/logs entry the tests read.
type spendLog struct {
	RequestID        string  `json:"request_id"`
	Spend            float64 `json:"spend"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	Status           string  `json:"status"`
}

// usage is what the fake upstream reports for a request.
type usage struct{ prompt, completion int64 }

// TestSpendSurvivesShutdownUnderLoad stops the gateway with SIGTERM while
// clients keep sending chat completions, then starts it again on the same
// database. Every answered request has its spend record, with the usage
// the upstream reported for it and its price, and the key's spend is the
// sum of its records: nothing was lost in the gateway's buffers.
func TestSpendSurvivesShutdownUnderLoad(t *testing.T) {
	requireBinaries(t)
	up := httptest.NewServer(usageUpstream())
	t.Cleanup(up.Close)
	dir := configDir(t, fmt.Sprintf(`model_list:
  - model_name: load
    litellm_params: {model: openai/load, api_base: %q, api_key: sk-upstream}
    model_info: {input_cost_per_token: %g, output_cost_per_token: %g}
`, up.URL+"/v1", loadInputPrice, loadOutputPrice))
	g := startGateway(t, gatewayOptions{dir: dir})
	key := generatePlain(t, g.proxy(masterKey))

	const workers, stopAfter = 16, 400
	var (
		mu       sync.Mutex
		sent     = map[string]usage{} // request id -> the usage asked of the upstream
		answered = map[string]bool{}
		count    atomic.Int64
		stopping = make(chan struct{})
		wg       sync.WaitGroup
	)
	var stopOnce sync.Once
	for w := range workers {
		wg.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				id := fmt.Sprintf("load-%d-%d", w, i)
				want := usage{prompt: int64(1 + (w*131+i)%97), completion: int64(1 + (w*7+i*3)%53)}
				mu.Lock()
				sent[id] = want
				mu.Unlock()
				status, err := postUsage(client, g.url, key, id, want)
				switch {
				case err != nil:
					// The gateway refuses connections once it is stopping.
					select {
					case <-stopping:
					default:
						t.Errorf("request %s before the stop: %v", id, err)
					}
					return
				case status != http.StatusOK:
					t.Errorf("request %s: status %d, want 200", id, status)
					return
				}
				mu.Lock()
				answered[id] = true
				mu.Unlock()
				if count.Add(1) == stopAfter {
					stopOnce.Do(func() {
						close(stopping)
						if err := g.stop(); err != nil {
							t.Errorf("stop the gateway under load: %v", err)
						}
					})
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	after := startGateway(t, gatewayOptions{dir: dir})
	logs := allSpendLogs(t, after, key)
	byID := map[string]spendLog{}
	total := 0.0
	for _, l := range logs {
		if _, ok := sent[l.RequestID]; !ok {
			t.Errorf("spend record %q matches no request sent", l.RequestID)
		}
		if _, dup := byID[l.RequestID]; dup {
			t.Errorf("spend record %q stored twice", l.RequestID)
		}
		byID[l.RequestID] = l
		total += l.Spend
	}
	for id := range answered {
		l, ok := byID[id]
		if !ok {
			t.Errorf("answered request %s has no spend record", id)
			continue
		}
		want := sent[id]
		wantCost := float64(want.prompt)*loadInputPrice + float64(want.completion)*loadOutputPrice
		if l.Status != "success" || l.PromptTokens != want.prompt ||
			l.CompletionTokens != want.completion || math.Abs(l.Spend-wantCost) > 1e-12 {
			t.Errorf("record of %s: status %s, tokens %d+%d, spend %g; want success, %d+%d, %g",
				id, l.Status, l.PromptTokens, l.CompletionTokens, l.Spend,
				want.prompt, want.completion, wantCost)
		}
	}
	t.Logf("%d requests answered before and during the stop, %d spend records", len(answered), len(logs))

	var info apitype.KeyInfoResponse
	mustGetJSON(t, after, "/key/info?key="+key, masterKey, &info)
	if math.Abs(info.Info.Spend-total) > 1e-9 {
		t.Errorf("key spend %g, want the sum of its records %g", info.Info.Spend, total)
	}
}

// usageUpstream answers chat completions in OpenAI's format with the usage
// the request's message asks for: "usage P C" reports P prompt and C
// completion tokens.
func usageUpstream() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
			http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`, 400)
			return
		}
		var p, c int64
		if _, err := fmt.Sscanf(req.Messages[0].Content, "usage %d %d", &p, &c); err != nil {
			http.Error(w, `{"error":{"message":"no usage asked","type":"invalid_request_error"}}`, 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-load","object":"chat.completion","created":1,"model":%q,`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`, req.Model, p, c, p+c)
	}
}

// postUsage sends one chat completion with request id id that asks the
// upstream for usage u, and returns the status. An answered request must
// carry that usage back.
func postUsage(client *http.Client, base, key, id string, u usage) (int, error) {
	body := fmt.Sprintf(`{"model":"load","messages":[{"role":"user","content":"usage %d %d"}]}`,
		u.prompt, u.completion)
	req, err := http.NewRequest(http.MethodPost, base+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", id)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		Usage struct {
			PromptTokens     int64 `json:"prompt_tokens"`
			CompletionTokens int64 `json:"completion_tokens"`
		} `json:"usage"`
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return 0, fmt.Errorf("answer of %s: %w", id, err)
	}
	if answer.Usage.PromptTokens != u.prompt || answer.Usage.CompletionTokens != u.completion {
		return 0, errors.New("answer of " + id + " carries another request's usage")
	}
	return resp.StatusCode, nil
}

// allSpendLogs reads every page of GET /spend/logs for a key.
func allSpendLogs(t *testing.T, g *gateway, key string) []spendLog {
	t.Helper()
	var all []spendLog
	for page := 1; ; page++ {
		var logs []spendLog
		mustGetJSON(t, g, "/spend/logs?page_size=1000&page="+strconv.Itoa(page)+"&api_key="+key,
			masterKey, &logs)
		all = append(all, logs...)
		if len(logs) < 1000 {
			return all
		}
	}
}
