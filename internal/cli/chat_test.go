package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// runChat runs litellm-proxy with args against the gateway at url, as
// Main does, with the chat command mounted.
func runChat(t *testing.T, url, key, stdin string, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{envBaseURL: url, envAPIKey: key}
	var stdout, stderr bytes.Buffer
	a := newApp(Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] }, Home: func() (string, error) { return t.TempDir(), nil }})
	root := a.newRootCmd()
	if c, _, err := root.Find([]string{"chat"}); err != nil || c == root {
		root.AddCommand(a.newChatCmd())
	}
	root.SetArgs(args)
	code := exitOK
	if cmd, err := root.ExecuteContextC(context.Background()); err != nil {
		code = a.report(cmd, err)
	}
	return code, stdout.String(), stderr.String()
}

// TestChatGateway chats with the mock models of a real gateway.
func TestChatGateway(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"one shot", []string{"chat", "demo-smart", "-m", "Hi"}, "", "Hello from demo-smart\n"},
		{"first model by default", []string{"chat", "-m", "Hi"}, "", "Hello from demo-fast\n"},
		{"lines until /exit", []string{"chat", "demo-fast"}, "Hi\n\nAgain\n/exit\nNever\n",
			"Hello from demo-fast\nHello from demo-fast\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runChat(t, g.URL, g.MasterKey, tt.stdin, tt.args...)
			if code != 0 || out != tt.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want stdout %q", code, out, errOut, tt.want)
			}
		})
	}

	code, out, errOut := runChat(t, g.URL, g.MasterKey, "", "chat", "no-such-model", "-m", "Hi")
	if code != exitError || out != "" || !strings.Contains(errOut, "no-such-model does not exist") {
		t.Errorf("unknown model: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestChatHistory checks what the conversation sends: the system prompt,
// then each question with the answers so far; a failed question is not
// kept, and the loop goes on after it.
func TestChatHistory(t *testing.T) {
	var seen [][]apitype.ChatMessage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req apitype.ChatRequest
		json.NewDecoder(r.Body).Decode(&req)
		if !req.Stream || r.URL.Path != "/v1/chat/completions" || req.Model != "m" {
			t.Errorf("request %s %+v", r.URL.Path, req)
		}
		last := req.Messages[len(req.Messages)-1].Content
		if last == "fail" {
			w.WriteHeader(429)
			io.WriteString(w, `{"error":{"message":"slow down","type":"rate_limit_error","code":"429"}}`)
			return
		}
		seen = append(seen, req.Messages)
		w.Header().Set("Content-Type", "text/event-stream")
		for _, piece := range []string{"re: ", last} {
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", piece)
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)

	code, out, errOut := runChat(t, srv.URL, "sk-key", "one\nfail\ntwo\n", "chat", "m", "--system", "Be brief.")
	if code != 0 || out != "re: one\nre: two\n" || !strings.Contains(errOut, "slow down") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want := []apitype.ChatMessage{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "one"},
		{Role: "assistant", Content: "re: one"}, {Role: "user", Content: "two"}}
	if len(seen) != 2 || fmt.Sprint(seen[1]) != fmt.Sprint(want) {
		t.Errorf("second request sent %v, want %v", seen, want)
	}
}

func TestChatStreamBrokenOff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half\"}}]}\n\n")
		io.WriteString(w, "data: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"api_error\"}}\n\n")
	}))
	t.Cleanup(srv.Close)
	code, out, errOut := runChat(t, srv.URL, "sk-key", "", "chat", "m", "-m", "Hi")
	if code == 0 || out != "Half\n" || !strings.Contains(errOut, "upstream overloaded") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
