package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

func TestHTTPRequest(t *testing.T) {
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, []byte(`{"from":"file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	runTests(t, []cliTest{{
		name:    "GET prints indented JSON",
		args:    []string{"http", "request", "get", "/v1/models"},
		calls:   []exchange{{method: "GET", target: "/v1/models", reply: `{"object":"list","data":[]}`}},
		wantOut: "{\n  \"object\": \"list\",\n  \"data\": []\n}\n",
	}, {
		name: "POST with data and headers",
		args: []string{"http", "request", "POST", "v1/chat/completions?x=1", "-d", `{"model":"m"}`,
			"-H", "X-Trace: abc", "-H", "x-trace:def"},
		calls: []exchange{{method: "POST", target: "/v1/chat/completions?x=1", body: `{"model":"m"}`,
			header: http.Header{"X-Trace": {"abc", "def"}}, reply: `{"id":"c1"}`}},
		wantOut: "{\n  \"id\": \"c1\"\n}\n",
	}, {
		name:    "data from a file",
		args:    []string{"http", "request", "POST", "/key/generate", "-d", "@" + file},
		calls:   []exchange{{method: "POST", target: "/key/generate", body: `{"from":"file"}`, reply: `{}`}},
		wantOut: "{}\n",
	}, {
		name:    "data from stdin",
		args:    []string{"http", "request", "POST", "/key/generate", "-d", "@-"},
		stdin:   `{"from":"stdin"}`,
		calls:   []exchange{{method: "POST", target: "/key/generate", body: `{"from":"stdin"}`, reply: `{}`}},
		wantOut: "{}\n",
	}, {
		name:    "a body that is not JSON is printed as it came",
		args:    []string{"http", "request", "GET", "/metrics"},
		calls:   []exchange{{method: "GET", target: "/metrics", reply: "up 1\n"}},
		wantOut: "up 1\n",
	}, {
		name:    "a status outside 2xx goes to stderr",
		args:    []string{"http", "request", "GET", "/old"},
		calls:   []exchange{{method: "GET", target: "/old", status: 300, reply: `{}`}},
		wantOut: "{}\n",
		wantErr: "HTTP 300 Multiple Choices\n",
	}, {
		name: "404 prints the body and fails",
		args: []string{"http", "request", "GET", "/nope"},
		calls: []exchange{{method: "GET", target: "/nope", status: 404,
			reply: `{"detail":"Not Found"}`}},
		wantCode: exitError,
		wantOut:  "{\n  \"detail\": \"Not Found\"\n}\n",
		wantErr: "error: not found (404): Not Found. " +
			"Check the name or ID, and that --base-url points at the gateway.\n",
	}, {
		name: "401 fails with the authentication code",
		args: []string{"http", "request", "GET", "/v1/models"},
		calls: []exchange{{method: "GET", target: "/v1/models", status: 401,
			reply: `{"error":{"message":"Invalid API key","type":"auth_error","code":"401"}}`}},
		wantCode: exitAuth,
		wantOut: "{\n  \"error\": {\n    \"message\": \"Invalid API key\",\n" +
			"    \"type\": \"auth_error\",\n    \"code\": \"401\"\n  }\n}\n",
		wantErr: "error: the gateway rejected the API key (401): Invalid API key. " +
			"Pass --api-key or set LITELLM_PROXY_API_KEY.\n",
	}})
}

func TestRequestLine(t *testing.T) {
	tests := []struct {
		method, path         string
		wantMethod, wantPath string
		wantErr              bool
	}{
		{"get", "/v1/models", "GET", "/v1/models", false},
		{"DELETE", "key/x?y=1", "DELETE", "/key/x?y=1", false},
		{"G T", "/", "", "", true},
		{"", "/", "", "", true},
		{"GET", "https://elsewhere.example/v1/models", "", "", true},
		{"GET", "//elsewhere.example/v1/models", "", "", true},
	}
	for _, tt := range tests {
		m, p, err := requestLine(tt.method, tt.path)
		if m != tt.wantMethod || p != tt.wantPath || (err != nil) != tt.wantErr {
			t.Errorf("requestLine(%q, %q) = %q, %q, %v; want %q, %q, error %v",
				tt.method, tt.path, m, p, err, tt.wantMethod, tt.wantPath, tt.wantErr)
		}
	}
}
