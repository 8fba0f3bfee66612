package gateway

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// While an upstream hangs on its model list, the requests that need it
// wait until the wait after its read started, together, not each in turn;
// once it answers, the list is there for the next one.
func TestDiscoveryWaitsOnce(t *testing.T) {
	cfg, err := config.Parse([]byte(`
model_list:
  - model_name: "vllm/*"
    litellm_params: {model: "hosted_vllm/*", api_base: "http://127.0.0.1:9/v1"}
`), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	snap := catalog.New(cfg.ModelList, time.Now()).Snapshot()
	release := make(chan struct{})
	d := newDiscovery(time.Now, slog.New(slog.DiscardHandler))
	d.wait = 200 * time.Millisecond
	d.list = func(ctx context.Context, _ *provider.Deployment) ([]string, error) {
		<-release
		return []string{"m"}, nil
	}
	entry := snap.Deployments("vllm/*")[0]

	start := time.Now()
	d.refresh(context.Background(), snap) // starts the read, waits for it
	first := time.Since(start)
	d.refresh(context.Background(), snap) // the wait is over: does not wait again
	second := time.Since(start) - first
	if first < 150*time.Millisecond || second > 50*time.Millisecond {
		t.Errorf("waited %v, then %v; want the wait once, then none", first, second)
	}
	if got := d.models(entry); got != nil {
		t.Errorf("models before the upstream answered = %q", got)
	}

	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Equal(d.models(entry), []string{"m"}) {
		if time.Now().After(deadline) {
			t.Fatalf("models after the upstream answered = %q", d.models(entry))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
