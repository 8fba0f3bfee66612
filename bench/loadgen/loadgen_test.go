package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/bench/loadgen"
	"github.com/litellm-go/gateway/bench/mockupstream"
)

// The smoke tests below send a few requests and check what was counted,
// never how fast: the machine running the tests may be busy.

func newTestServer(tb testing.TB, h http.Handler) string {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}

func run(t *testing.T, target loadgen.Target, cfg loadgen.Config) *loadgen.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	res, err := loadgen.Run(ctx, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRunAgainstMock(t *testing.T) {
	url := newTestServer(t, mockupstream.New(mockupstream.Options{Chunks: 5}))
	body := []byte(`{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	streamBody := []byte(`{"model":"m","stream":true,"stream_options":{"include_usage":true}}`)
	tests := []struct {
		name   string
		target loadgen.Target
		cfg    loadgen.Config
	}{
		{"plain", loadgen.Target{URL: url + "/v1/chat/completions", Body: body},
			loadgen.Config{Concurrency: 2, Requests: 20}},
		{"stream", loadgen.Target{URL: url + "/v1/chat/completions", Body: streamBody, Stream: true},
			loadgen.Config{Concurrency: 3, Requests: 9}},
		{"get with warm-up", loadgen.Target{URL: url + "/v1/models"},
			loadgen.Config{Requests: 5, Warmup: 10 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, tt.target, tt.cfg)
			if res.Requests != tt.cfg.Requests || res.Errors != 0 {
				t.Fatalf("%d requests, %d errors (%s); want %d, 0",
					res.Requests, res.Errors, res.FirstError, tt.cfg.Requests)
			}
			if res.Latency.Count() != uint64(res.Requests) || res.Throughput() <= 0 {
				t.Errorf("%d latencies, throughput %v", res.Latency.Count(), res.Throughput())
			}
			if !tt.target.Stream {
				return
			}
			if res.TTFT.Count() != uint64(res.Requests) {
				t.Errorf("%d TTFTs for %d streams", res.TTFT.Count(), res.Requests)
			}
			// 5 token chunks: 4 gaps each; the usage chunk is not a token.
			if want := uint64(4 * res.Requests); res.Gap.Count() != want {
				t.Errorf("%d gaps, want %d", res.Gap.Count(), want)
			}
		})
	}
}

func TestRunCountsErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		stream  bool
		want    string
	}{
		{"status", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"no"}`, http.StatusTooManyRequests)
		}, false, "status 429"},
		{"stream without done", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("data: {\"choices\":[{}]}\n\n"))
		}, true, "[DONE]"},
		{"closed connection", func(w http.ResponseWriter, r *http.Request) {
			c, _, _ := http.NewResponseController(w).Hijack()
			c.Close()
		}, false, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := newTestServer(t, tt.handler)
			res := run(t, loadgen.Target{URL: url + "/x", Body: []byte("{}"), Stream: tt.stream},
				loadgen.Config{Requests: 3})
			if res.Requests != 3 || res.Errors != 3 || !strings.Contains(res.FirstError, tt.want) {
				t.Errorf("%d requests, %d errors, first %q; want 3, 3, containing %q",
					res.Requests, res.Errors, res.FirstError, tt.want)
			}
		})
	}
}

func TestRunRefusesRemoteTargets(t *testing.T) {
	for _, url := range []string{"http://example.com:80/", "http://10.0.0.1:80/", "https://127.0.0.1:1/"} {
		_, err := loadgen.Run(context.Background(), loadgen.Target{URL: url}, loadgen.Config{Requests: 1})
		if err == nil {
			t.Errorf("Run(%s) started, want it refused", url)
		}
	}
}

func TestSearch(t *testing.T) {
	url := newTestServer(t, mockupstream.New(mockupstream.Options{}))
	target := loadgen.Target{URL: url + "/v1/models"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	steps, err := loadgen.Search(ctx, target, target, loadgen.SearchConfig{
		Concurrency: []int{1, 2},
		Step:        loadgen.Config{Requests: 10},
		MaxAddedP99: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || !steps[0].OK || !steps[1].OK || steps[1].Subject.Concurrency != 2 {
		t.Fatalf("steps %+v", steps)
	}
	if loadgen.BestSubject(steps) == nil || loadgen.BestBaseline(steps) == nil {
		t.Errorf("no best step")
	}
}

// BenchmarkRoundTrip measures a request of the load generator to the mock,
// both in process: what a direct run spends per request outside a
// gateway.
func BenchmarkRoundTrip(b *testing.B) {
	url := newTestServer(b, mockupstream.New(mockupstream.Options{}))
	target := loadgen.Target{URL: url + "/v1/chat/completions", Body: []byte(`{"model":"m"}`)}
	b.ReportAllocs()
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), target, loadgen.Config{Requests: int64(b.N)})
	if err != nil || res.Errors > 0 {
		b.Fatalf("%v, %d errors", err, res.Errors)
	}
}
