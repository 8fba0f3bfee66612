package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
)

const testKey = "sk-test-1234567890"

// request is what the fake gateway saw.
type request struct {
	Method, Target string
	Auth, Type     string
	Body           any // decoded JSON; nil without a body
}

// newTestServer starts a fake gateway that records each request and
// answers with status and reply.
func newTestServer(t *testing.T, status int, reply string) (*httptest.Server, *[]request) {
	t.Helper()
	var seen []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ua := r.UserAgent(); !strings.HasPrefix(ua, "litellm-proxy/") {
			t.Errorf("User-Agent = %q, want litellm-proxy/<version>", ua)
		}
		rec := request{Method: r.Method, Target: r.RequestURI,
			Auth: r.Header.Get("Authorization"), Type: r.Header.Get("Content-Type")}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			if err := json.Unmarshal(b, &rec.Body); err != nil {
				t.Errorf("request body is not JSON: %q", b)
			}
		}
		seen = append(seen, rec)
		w.WriteHeader(status)
		io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func newClient(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	c, err := New(base, testKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestRoutes(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		call  func(context.Context, *Client) (any, error)
		want  request
		out   any
	}{{
		name:  "list models",
		reply: `{"object":"list","data":[{"id":"demo-fast","object":"model","created":1,"owned_by":"openai"}]}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.ListModels(ctx) },
		want:  request{Method: "GET", Target: "/v1/models"},
		out: &apitype.ModelList{Object: "list", Data: []apitype.Model{
			{ID: "demo-fast", Object: "model", Created: 1, OwnedBy: "openai"}}},
	}, {
		name:  "model info",
		reply: `{"data":[{"model_name":"m","litellm_params":{"model":"openai/m"},"model_info":{"id":"1"}}]}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.ModelInfo(ctx) },
		want:  request{Method: "GET", Target: "/v1/model/info"},
		out: &apitype.DeploymentList{Data: []apitype.Deployment{{ModelName: "m",
			LitellmParams: map[string]any{"model": "openai/m"}, ModelInfo: map[string]any{"id": "1"}}}},
	}, {
		name:  "readiness",
		reply: `{"status":"healthy","db":"connected","litellm_version":"1.2.3"}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.Readiness(ctx) },
		want:  request{Method: "GET", Target: "/health/readiness"},
		out:   &apitype.Readiness{Status: "healthy", DB: "connected", LitellmVersion: "1.2.3"},
	}, {
		name:  "generate key",
		reply: `{"key":"sk-new","token":"h1","models":["m"],"created_at":"2025-01-02T03:04:05Z"}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.GenerateKey(ctx, apitype.KeyRequest{Models: []string{"m"}, Duration: ptr("30d")})
		},
		want: request{Method: "POST", Target: "/key/generate", Type: "application/json",
			Body: map[string]any{"models": []any{"m"}, "duration": "30d"}},
		out: &apitype.GenerateKeyResponse{Key: "sk-new",
			KeyInfo: apitype.KeyInfo{Token: "h1", Models: []string{"m"}, CreatedAt: t0}},
	}, {
		name:  "key info escapes the key",
		reply: `{"key":"h1","info":{"token":"h1"}}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.KeyInfo(ctx, "sk-a+b&c") },
		want:  request{Method: "GET", Target: "/key/info?key=sk-a%2Bb%26c"},
		out:   &apitype.KeyInfoResponse{Key: "h1", Info: apitype.KeyInfo{Token: "h1"}},
	}, {
		name:  "list keys with filters",
		reply: `{"keys":[],"total_count":0,"current_page":2,"total_pages":0}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.ListKeys(ctx, KeyListOptions{Page: 2, Size: 10, UserID: "u1", TeamID: "t1"})
		},
		want: request{Method: "GET",
			Target: "/key/list?page=2&return_full_object=true&size=10&team_id=t1&user_id=u1"},
		out: &apitype.KeyListResponse{Keys: []apitype.KeyInfo{}, CurrentPage: 2},
	}, {
		name:  "delete keys",
		reply: `{"deleted_keys":["h1"]}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.DeleteKeys(ctx, apitype.DeleteKeysRequest{Keys: []string{"h1"}})
		},
		want: request{Method: "POST", Target: "/key/delete", Type: "application/json",
			Body: map[string]any{"keys": []any{"h1"}}},
		out: &apitype.DeleteKeysResponse{DeletedKeys: []string{"h1"}},
	}, {
		name:  "update key",
		reply: `{"token":"h1","blocked":true}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateKey(ctx, apitype.KeyRequest{Key: "h1", Blocked: ptr(true)})
		},
		want: request{Method: "POST", Target: "/key/update", Type: "application/json",
			Body: map[string]any{"key": "h1", "blocked": true, "models": nil}},
		out: &apitype.KeyInfo{Token: "h1", Blocked: true},
	}, {
		name:  "new user",
		reply: `{"user_id":"u1","user_role":"internal_user","key":"sk-u"}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.NewUser(ctx, apitype.UserRequest{UserEmail: ptr("a@b.c"), Models: []string{}})
		},
		want: request{Method: "POST", Target: "/user/new", Type: "application/json",
			Body: map[string]any{"user_email": "a@b.c", "models": []any{}}},
		out: &apitype.NewUserResponse{Key: "sk-u",
			UserInfo: apitype.UserInfo{UserID: "u1", UserRole: "internal_user"}},
	}, {
		name:  "user info",
		reply: `{"user_id":"u 1","user_info":{"user_id":"u 1"},"keys":[],"teams":[]}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.UserInfo(ctx, "u 1") },
		want:  request{Method: "GET", Target: "/user/info?user_id=u+1"},
		out: &apitype.UserInfoResponse{UserID: "u 1", UserInfo: apitype.UserInfo{UserID: "u 1"},
			Keys: []apitype.KeyInfo{}, Teams: []apitype.TeamInfo{}},
	}, {
		name:  "list users",
		reply: `{"users":[],"total":0,"page":3,"page_size":5,"total_pages":0}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.ListUsers(ctx, 3, 5) },
		want:  request{Method: "GET", Target: "/user/list?page=3&page_size=5"},
		out:   &apitype.UserListResponse{Users: []apitype.UserInfo{}, Page: 3, PageSize: 5},
	}, {
		name:  "list users without paging",
		reply: `{"users":[]}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.ListUsers(ctx, 0, 0) },
		want:  request{Method: "GET", Target: "/user/list"},
		out:   &apitype.UserListResponse{Users: []apitype.UserInfo{}},
	}, {
		name:  "delete users",
		reply: `{"deleted_users":["u1"]}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.DeleteUsers(ctx, apitype.DeleteUsersRequest{UserIDs: []string{"u1"}})
		},
		want: request{Method: "POST", Target: "/user/delete", Type: "application/json",
			Body: map[string]any{"user_ids": []any{"u1"}}},
		out: &apitype.DeleteUsersResponse{DeletedUsers: []string{"u1"}},
	}, {
		name:  "new team",
		reply: `{"team_id":"t1","team_alias":"ml"}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.NewTeam(ctx, apitype.TeamRequest{TeamAlias: ptr("ml"), Models: []string{}})
		},
		want: request{Method: "POST", Target: "/team/new", Type: "application/json",
			Body: map[string]any{"team_alias": "ml", "models": []any{}}},
		out: &apitype.TeamInfo{TeamID: "t1", TeamAlias: ptr("ml")},
	}, {
		name:  "team info",
		reply: `{"team_id":"t1","team_info":{"team_id":"t1"},"keys":[]}`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.TeamInfo(ctx, "t1") },
		want:  request{Method: "GET", Target: "/team/info?team_id=t1"},
		out: &apitype.TeamInfoResponse{TeamID: "t1", TeamInfo: apitype.TeamInfo{TeamID: "t1"},
			Keys: []apitype.KeyInfo{}},
	}, {
		name:  "list teams",
		reply: `[{"team_id":"t1"}]`,
		call:  func(ctx context.Context, c *Client) (any, error) { return c.ListTeams(ctx) },
		want:  request{Method: "GET", Target: "/team/list"},
		out:   []apitype.TeamInfo{{TeamID: "t1"}},
	}, {
		name:  "add team member",
		reply: `{"team_id":"t1","members_with_roles":[{"user_id":"u1","role":"admin"}]}`,
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.AddTeamMember(ctx, apitype.TeamMemberAddRequest{TeamID: "t1",
				Member: apitype.Members{{UserID: "u1", Role: "admin"}}})
		},
		want: request{Method: "POST", Target: "/team/member_add", Type: "application/json",
			Body: map[string]any{"team_id": "t1",
				"member": []any{map[string]any{"user_id": "u1", "role": "admin"}}}},
		out: &apitype.TeamInfo{TeamID: "t1", MembersWithRoles: []apitype.Member{{UserID: "u1", Role: "admin"}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := newTestServer(t, http.StatusOK, tt.reply)
			got, err := tt.call(t.Context(), newClient(t, srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Auth = "Bearer " + testKey
			if diff := cmp.Diff([]request{tt.want}, *seen); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.out, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorShapes(t *testing.T) {
	long := "<html>" + strings.Repeat("x", 300) + "</html>"
	tests := []struct {
		name   string
		status int
		reply  string
		want   string
	}{
		{"detail", 403, `{"detail":"Only proxy_admin may list users."}`, "Only proxy_admin may list users."},
		{"openai envelope", 401, `{"error":{"message":"Invalid key","type":"auth_error","code":"401"}}`,
			"Invalid key"},
		{"envelope with numeric code", 400, `{"error":{"message":"bad model","code":400}}`, "bad model"},
		{"error as a string", 400, `{"error":"bad request"}`, "bad request"},
		{"detail as a list", 422, `{"detail":[{"loc":["body","models"],"msg":"not a list"}]}`,
			`[{"loc":["body","models"],"msg":"not a list"}]`},
		{"multi-line detail", 400, `{"detail":"line one\n  line two"}`, "line one line two"},
		{"plain text", 502, "Bad Gateway\n", "Bad Gateway"},
		{"long html is truncated", 502, long, long[:maxMessage] + " [truncated]"},
		{"empty body", 500, "", "Internal Server Error"},
		{"echoed key is redacted", 401, `{"detail":"key ` + testKey + ` is invalid"}`,
			"key [redacted] is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := newTestServer(t, tt.status, tt.reply)
			_, err := newClient(t, srv.URL).ListModels(t.Context())
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			want := &APIError{Status: tt.status, Message: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUndecodableSuccess(t *testing.T) {
	srv, _ := newTestServer(t, http.StatusOK, "<html>hello</html>")
	_, err := newClient(t, srv.URL).ListModels(t.Context())
	if err == nil || !strings.Contains(err.Error(), "read GET /v1/models response") {
		t.Errorf("error = %v, want a decode error naming the route", err)
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

func TestUnreachable(t *testing.T) {
	base := closedURL(t)
	_, err := newClient(t, base).KeyInfo(t.Context(), "sk-secret-in-query")
	var ue *UnreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("error = %v, want *UnreachableError", err)
	}
	want := &UnreachableError{BaseURL: base, URL: base + "/key/info",
		Reason: "connection refused", Err: ue.Err}
	if diff := cmp.Diff(want, ue); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	for _, secret := range []string{"sk-secret-in-query", testKey} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains a key", err)
		}
	}
}

func TestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, WithTimeout(50*time.Millisecond))
	_, err := c.ListModels(t.Context())
	var ue *UnreachableError
	if !errors.As(err, &ue) || !ue.Timeout || ue.Reason != "no answer within 50ms" {
		t.Errorf("error = %#v, want a timeout", err)
	}
}

func TestCanceled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := newClient(t, srv.URL).ListModels(ctx)
	var ue *UnreachableError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ue) {
		t.Errorf("error = %v, want context.Canceled only", err)
	}
}
