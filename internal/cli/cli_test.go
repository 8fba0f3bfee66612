package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const testKey = "sk-test-key-0123456789"

// exchange is one request the fake gateway expects, and its answer.
type exchange struct {
	method, target string      // target is the path and query of the request line
	body           string      // expected JSON body; "" for none
	header         http.Header // headers the request must carry, besides the usual ones
	status         int         // 0 means 200
	reply          string
}

// fakeGateway answers the exchanges it is given, in order, and fails the
// test on any request it did not expect.
type fakeGateway struct {
	*httptest.Server
	t        *testing.T
	mu       sync.Mutex
	want     []exchange
	wantAuth string
}

// newTestServer starts a fake gateway that expects the given exchanges,
// each with the bearer testKey.
func newTestServer(t *testing.T, want ...exchange) *fakeGateway {
	t.Helper()
	g := &fakeGateway{t: t, want: want, wantAuth: "Bearer " + testKey}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(func() {
		g.Close()
		if len(g.want) > 0 {
			t.Errorf("the gateway never got %s %s", g.want[0].method, g.want[0].target)
		}
	})
	return g
}

func (g *fakeGateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.want) == 0 {
		g.t.Errorf("unexpected request %s %s", r.Method, r.RequestURI)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	x := g.want[0]
	g.want = g.want[1:]
	if r.Method != x.method || r.RequestURI != x.target {
		g.t.Errorf("request = %s %s, want %s %s", r.Method, r.RequestURI, x.method, x.target)
	}
	if got := r.Header.Get("Authorization"); got != g.wantAuth {
		g.t.Errorf("Authorization = %q, want %q", got, g.wantAuth)
	}
	if ua := r.UserAgent(); !strings.HasPrefix(ua, "litellm-proxy/") {
		g.t.Errorf("User-Agent = %q, want litellm-proxy/<version>", ua)
	}
	for k := range x.header {
		if got, want := r.Header.Values(k), x.header.Values(k); !cmp.Equal(got, want) {
			g.t.Errorf("%s %s: header %s = %q, want %q", x.method, x.target, k, got, want)
		}
	}
	body, _ := io.ReadAll(r.Body)
	g.checkBody(x, r.Header.Get("Content-Type"), body)
	if x.status == 0 {
		x.status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(x.status)
	io.WriteString(w, x.reply)
}

// checkBody compares JSON bodies as values, so key order does not matter.
func (g *fakeGateway) checkBody(x exchange, contentType string, body []byte) {
	if x.body == "" {
		if len(body) > 0 {
			g.t.Errorf("%s %s: unexpected body %s", x.method, x.target, body)
		}
		return
	}
	if contentType != "application/json" {
		g.t.Errorf("%s %s: Content-Type = %q, want application/json", x.method, x.target, contentType)
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		g.t.Errorf("%s %s: body is not JSON: %s", x.method, x.target, body)
	}
	if err := json.Unmarshal([]byte(x.body), &want); err != nil {
		g.t.Fatalf("bad test: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		g.t.Errorf("%s %s body (-want +got):\n%s", x.method, x.target, diff)
	}
}

// result is what a run of the CLI left behind.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs Main as the binary would, with env as the whole environment.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIWithInput(t, "", env, args...)
}

func runCLIWithInput(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := Main(args, strings.NewReader(stdin), &stdout, &stderr, getenv)
	return result{code, stdout.String(), stderr.String()}
}

// gatewayEnv points the CLI at g with testKey.
func gatewayEnv(g *fakeGateway) map[string]string {
	return map[string]string{envBaseURL: g.URL, envAPIKey: testKey}
}

// cliTest is one run of a command against a fake gateway.
type cliTest struct {
	name      string
	args      []string
	calls     []exchange
	wantCode  int
	wantOut   string
	wantErr   string
	stdin     string
	stdoutOff bool // the output is checked elsewhere, such as a golden file
}

func (tt cliTest) run(t *testing.T) result {
	t.Helper()
	g := newTestServer(t, tt.calls...)
	got := runCLIWithInput(t, tt.stdin, gatewayEnv(g), tt.args...)
	want := result{tt.wantCode, tt.wantOut, tt.wantErr}
	if tt.stdoutOff {
		want.stdout = got.stdout
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("litellm-proxy %s (-want +got):\n%s", strings.Join(tt.args, " "), diff)
	}
	return got
}

func runTests(t *testing.T, tests []cliTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t) })
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// closedURL returns the URL of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	l.Close()
	return u
}
