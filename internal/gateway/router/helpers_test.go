package router_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
	"github.com/litellm-go/gateway/internal/gateway/router"
)

// clock is a fake clock; sleeping on it records the wait and moves it on.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// upstream is a fake OpenAI-compatible deployment that counts its hits,
// keeps the model of the last request and answers with the handler it
// has at the time.
type upstream struct {
	*httptest.Server
	name  string
	hits  atomic.Int64
	mu    sync.Mutex
	h     http.HandlerFunc
	log   *hitLog
	model string
}

// hitLog records the order in which upstreams were hit.
type hitLog struct {
	mu    sync.Mutex
	names []string
}

func (l *hitLog) add(name string) {
	l.mu.Lock()
	l.names = append(l.names, name)
	l.mu.Unlock()
}

func (l *hitLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.names, " ")
}

func newUpstream(t *testing.T, name string, log *hitLog, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{name: name, h: h, log: log}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice when the client goes.
		body, _ := io.ReadAll(r.Body)
		var req struct{ Model string }
		json.Unmarshal(body, &req)
		u.hits.Add(1)
		if u.log != nil {
			u.log.add(u.name)
		}
		u.mu.Lock()
		h := u.h
		u.model = req.Model
		u.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

// lastModel returns the model the last request asked the upstream for.
func (u *upstream) lastModel() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.model
}

func (u *upstream) set(h http.HandlerFunc) {
	u.mu.Lock()
	u.h = h
	u.mu.Unlock()
}

// completion answers with a chat completion of the given total tokens.
func completion(text string, tokens int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","created":1,"model":"m",`+
			`"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":%d,"completion_tokens":0,"total_tokens":%d}}`, text, tokens, tokens)
	}
}

// failing answers with an OpenAI error and optional headers.
func failing(status int, code string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":"failure %d","type":"x","code":%q}}`, status, code)
	}
}

// sequence answers with each handler in turn, then with the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(hs)-1)
		hs[i](w, r)
	}
}

// env is a router over a config, with a fake clock and seeded randomness.
type env struct {
	r     *router.Router
	clock *clock
}

// newEnv builds a router from config.yaml text in which every {name}
// is replaced by the URL of the upstream of that name.
func newEnv(t *testing.T, yaml string, ups ...*upstream) *env {
	t.Helper()
	for _, u := range ups {
		yaml = strings.ReplaceAll(yaml, "{"+u.name+"}", u.URL)
	}
	cfg, err := config.Parse([]byte(yaml), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	c := newClock()
	rnd := rand.New(rand.NewPCG(1, 2))
	var mu sync.Mutex
	r := router.New(catalog.New(cfg.ModelList, c.Now()), cfg.RouterSettings, router.Options{
		Now: c.Now, Sleep: c.Sleep,
		Rand: func() float64 { mu.Lock(); defer mu.Unlock(); return rnd.Float64() },
	})
	return &env{r: r, clock: c}
}

const chatBody = `{"model":"public","messages":[{"role":"user","content":"Hi"}]}`

// result is what one routed request came to.
type result struct {
	router.Stats
	id   string // deployment id that answered
	body string
	err  error
}

// do routes one chat request for group, optionally restricting the
// models the caller may use.
func (e *env) do(ctx context.Context, group string, allowed ...string) result {
	var res result
	c := &router.Call{Group: group,
		Request: &provider.Request{Op: provider.OpChat, Body: []byte(chatBody)},
		Send: func(a *router.Answer) error {
			res.id = a.Entry.Info.ID
			var sb strings.Builder
			_, err := a.WriteTo(progressWriter{&sb, a})
			res.body = sb.String()
			return err
		}}
	if allowed != nil {
		c.Allowed = func(m string) bool {
			for _, a := range allowed {
				if a == m {
					return true
				}
			}
			return false
		}
	}
	res.Stats, res.err = e.r.Do(ctx, c)
	return res
}

// progressWriter tells the router of every write, as the gateway does.
type progressWriter struct {
	w io.Writer
	a *router.Answer
}

func (p progressWriter) Write(b []byte) (int, error) {
	p.a.Progress()
	return p.w.Write(b)
}
