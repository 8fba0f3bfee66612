package apiclient

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRejectsBadBaseURLs(t *testing.T) {
	for _, base := range []string{"", "localhost:4000", "ftp://h", "http://", "http://u:p@h",
		"http://h?x=1"} {
		if _, err := New(base, testKey); err == nil {
			t.Errorf("New(%q) succeeded, want an error", base)
		} else if strings.Contains(err.Error(), "u:p") {
			t.Errorf("New(%q) error %q shows the URL's password", base, err)
		}
	}
}

func TestDo(t *testing.T) {
	tests := []struct {
		name    string
		base    string // appended to the server's URL
		key     string
		path    string
		header  http.Header
		body    string
		want    request
		wantErr bool
	}{{
		name: "path and query kept",
		path: "/v1/models?x=1",
		key:  testKey,
		want: request{Method: "POST", Target: "/v1/models?x=1", Auth: "Bearer " + testKey},
	}, {
		name: "base path prefixed",
		base: "/litellm/",
		path: "/key/list",
		key:  testKey,
		want: request{Method: "POST", Target: "/litellm/key/list", Auth: "Bearer " + testKey},
	}, {
		name: "no key, no Authorization",
		path: "/health/readiness",
		want: request{Method: "POST", Target: "/health/readiness"},
	}, {
		name:   "given headers win",
		path:   "/x",
		key:    testKey,
		header: http.Header{"Authorization": {"Bearer other"}, "Content-Type": {"text/plain"}},
		body:   `"hi"`,
		want: request{Method: "POST", Target: "/x", Auth: "Bearer other", Type: "text/plain",
			Body: "hi"},
	}, {
		name:    "absolute URL refused",
		path:    "http://elsewhere.example/x",
		key:     testKey,
		wantErr: true,
	}, {
		name:    "scheme-relative URL refused",
		path:    "//elsewhere.example/x",
		key:     testKey,
		wantErr: true,
	}, {
		name:    "relative path refused",
		path:    "v1/models",
		key:     testKey,
		wantErr: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := newTestServer(t, http.StatusTeapot, `{"ok":true}`)
			c, err := New(srv.URL+tt.base, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(t.Context(), "POST", tt.path, strings.NewReader(tt.body), tt.header)
			if tt.wantErr {
				if err == nil || len(*seen) > 0 {
					t.Errorf("Do(%q) sent a request, want it refused", tt.path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != http.StatusTeapot || string(resp.Body) != `{"ok":true}` {
				t.Errorf("response = %d %q, want it as the server sent it", resp.Status, resp.Body)
			}
			if diff := cmp.Diff([]request{tt.want}, *seen); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadinessUnhealthy(t *testing.T) {
	srv, _ := newTestServer(t, http.StatusServiceUnavailable,
		`{"status":"unhealthy","db":"disconnected","litellm_version":"1.2.3"}`)
	r, err := newClient(t, srv.URL).Readiness(t.Context())
	if err != nil || r.LitellmVersion != "1.2.3" || r.Status != "unhealthy" {
		t.Errorf("Readiness = %+v, %v; want the unhealthy answer with its version", r, err)
	}
}
