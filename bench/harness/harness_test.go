package harness

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/litellm-go/gateway/internal/web"
)

// TestParseForm reads the forms of the gateway's own login pages, so that
// a change to their markup that the login of the benchmark cannot follow
// shows up here rather than as n/a figures.
func TestParseForm(t *testing.T) {
	tests := []struct {
		name   string
		page   web.Page
		data   any
		action string
		fields []string
	}{
		{"login", web.Login, web.LoginData{Action: "http://127.0.0.1:4000/sso/login?a=1&b=2",
			LoginID: "cli-x", CSRF: "tok+/="},
			"http://127.0.0.1:4000/sso/login?a=1&b=2", []string{"csrf_token", "login_id", "password", "username"}},
		{"complete", web.Complete, web.CompleteData{Action: "/sso/cli/complete/cli-x",
			BrowserToken: "bt", Account: "admin"},
			"/sso/cli/complete/cli-x", []string{"browser_complete_token", "user_code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if err := web.Render(rec, 200, tt.page, tt.data); err != nil {
				t.Fatal(err)
			}
			f, ok := parseForm(rec.Body.String())
			if !ok {
				t.Fatalf("no form in:\n%s", rec.Body)
			}
			if f.action != tt.action {
				t.Errorf("action %q, want %q", f.action, tt.action)
			}
			var got []string
			for name := range f.values {
				got = append(got, name)
			}
			if diff := cmp.Diff(tt.fields, got, sortStrings); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	rec := httptest.NewRecorder()
	web.Render(rec, 200, web.Success, web.SuccessData{Account: "admin"})
	if _, ok := parseForm(rec.Body.String()); ok {
		t.Errorf("a form on the success page")
	}
}

func TestParseFormValues(t *testing.T) {
	page := `<form method="post" action="/x?a=1&amp;b=2"><input type="hidden" name="csrf_token" value="a&amp;b">` +
		`<INPUT name="code"></form><form action="/second"></form>`
	f, ok := parseForm(page)
	if !ok || f.action != "/x?a=1&b=2" || f.values.Get("csrf_token") != "a&b" || !f.has("code") {
		t.Errorf("parseForm = %+v, %v", f, ok)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{formatDuration(42_340), "42.3 µs"},
		{formatDuration(412_600), "413 µs"},
		{formatDuration(-3_100), "−3.1 µs"},
		{formatDuration(1_254_000), "1.25 ms"},
		{formatDuration(2 * time.Second), "2.00 s"},
		{formatRate(12345.6), "12,346 req/s"},
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(-1234567), "-1,234,567"},
		{formatShare(1, 4), "25 % of direct"},
		{formatBytes(40e6), "40.0 MB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestProcReaders(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc on this system")
	}
	rss, peak, err := memory(os.Getpid())
	if err != nil || rss <= 0 || peak < rss {
		t.Errorf("memory() = %d, %d, %v", rss, peak, err)
	}
	if _, err := cpuTime(0); err != nil {
		t.Errorf("cpuTime(0): %v", err)
	}
	if _, err := cpuTime(os.Getpid()); err != nil {
		t.Errorf("cpuTime(pid): %v", err)
	}
	before, ok := cpuTicks()
	if !ok || before.total == 0 || before.steal > before.total {
		t.Fatalf("cpuTicks() = %+v, %v", before, ok)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	if after, _ := cpuTicks(); after.total <= before.total || after.steal < before.steal {
		t.Errorf("cpuTicks() went from %+v to %+v after 50ms of work", before, after)
	}
}

func TestConfigText(t *testing.T) {
	got := configText("http://127.0.0.1:1234")
	for _, want := range []string{"api_base: http://127.0.0.1:1234/v1", "model: openai/bench-model",
		"num_retries: 0", "master_key: os.environ/LITELLM_MASTER_KEY"} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })
