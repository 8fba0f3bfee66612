package apiclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
)

func TestLoginRoutes(t *testing.T) {
	expires := time.Date(2025, 1, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		key    string
		reply  string
		call   func(context.Context, *Client) (any, error)
		want   request
		secret string // the poll secret header sent
		out    any
	}{{
		name:  "start",
		reply: `{"login_id":"cli-1","poll_secret":"s3cret","user_code":"ABCD-EFGH"}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.StartCLILogin(ctx) },
		want:  request{Method: "POST", Target: "/sso/cli/start"},
		out:   &apitype.CLILoginStart{LoginID: "cli-1", PollSecret: "s3cret", UserCode: "ABCD-EFGH"},
	}, {
		name:  "poll",
		reply: `{"status":"pending"}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.PollCLILogin(ctx, "cli-1/x", "s3cret", "")
		},
		want:   request{Method: "GET", Target: "/sso/cli/poll/cli-1%2Fx"},
		secret: "s3cret",
		out:    &apitype.CLILoginPoll{Status: "pending"},
	}, {
		name: "poll with a team",
		reply: `{"status":"ready","key":"tok","user_id":"u1","team_id":"t 2","teams":["t 2"],` +
			`"expires_in":86400}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.PollCLILogin(ctx, "cli-1", "s3cret", "t 2")
		},
		want:   request{Method: "GET", Target: "/sso/cli/poll/cli-1?team_id=t+2"},
		secret: "s3cret",
		out: &apitype.CLILoginPoll{Status: "ready", Key: "tok", UserID: "u1", TeamID: ptr("t 2"),
			Teams: []string{"t 2"}, ExpiresIn: 86400},
	}, {
		name: "session",
		key:  "session-token",
		reply: `{"session_id":"s1","user_id":"u1","team_id":null,` +
			`"created_at":"2025-01-02T12:00:00Z","expires_at":"2025-01-03T12:00:00Z"}`,
		call: func(ctx context.Context, c *Client) (any, error) { return c.CLISession(ctx) },
		want: request{Method: "GET", Target: "/sso/cli/session", Auth: "Bearer session-token"},
		out: &apitype.CLISession{SessionID: "s1", UserID: "u1", CreatedAt: expires.Add(-24 * time.Hour),
			ExpiresAt: expires},
	}, {
		name:  "logout",
		key:   "session-token",
		reply: `{"revoked":true}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.CLILogout(ctx) },
		want:  request{Method: "POST", Target: "/sso/cli/logout", Auth: "Bearer session-token"},
		out:   &apitype.CLILogout{Revoked: true},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got request
			var secret string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = request{Method: r.Method, Target: r.RequestURI,
					Auth: r.Header.Get("Authorization")}
				secret = r.Header.Get(apitype.CLIPollSecretHeader)
				io.WriteString(w, tt.reply)
			}))
			defer srv.Close()
			c, err := New(srv.URL, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			out, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if secret != tt.secret {
				t.Errorf("poll secret header = %q, want %q", secret, tt.secret)
			}
			if diff := cmp.Diff(tt.out, out); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartCLILoginRejectsAnEmptyAnswer(t *testing.T) {
	srv, _ := newTestServer(t, http.StatusOK, `{"user_code":"ABCD-EFGH"}`)
	_, err := newClient(t, srv.URL).StartCLILogin(t.Context())
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Errorf("error = %v, want a *DecodeError", err)
	}
}

func TestLoginURL(t *testing.T) {
	for base, want := range map[string]string{
		"http://localhost:4000":  "http://localhost:4000/sso/key/generate?key=cli-a%26b&source=litellm-cli",
		"https://h.example/llm/": "https://h.example/llm/sso/key/generate?key=cli-a%26b&source=litellm-cli",
	} {
		if got := newClient(t, base).LoginURL("cli-a&b"); got != want {
			t.Errorf("LoginURL on %s = %q, want %q", base, got, want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"detail":"Too many CLI login attempts. Try again later."}`)
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).StartCLILogin(t.Context())
	want := &APIError{Status: 429, Message: "Too many CLI login attempts. Try again later.",
		RetryAfter: 30 * time.Second}
	var got *APIError
	if !errors.As(err, &got) {
		t.Fatalf("error = %v, want *APIError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
