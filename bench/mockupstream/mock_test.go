package mockupstream

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// newTestServer starts a mock on a loopback port for the test.
func newTestServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(opts))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestCompletion(t *testing.T) {
	srv := newTestServer(t, Options{Chunks: 3})
	resp, body := post(t, srv.URL+"/v1/chat/completions", `{"model":"m","messages":[]}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got struct {
		Object  string
		Model   string
		Choices []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
		Usage usage
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if got.Object != "chat.completion" || got.Model != DefaultModel || len(got.Choices) != 1 {
		t.Fatalf("answer %s", body)
	}
	c := got.Choices[0]
	if c.Message.Role != "assistant" || c.Message.Content != "The gateway forwards " ||
		c.FinishReason != "stop" {
		t.Errorf("choice %+v", c)
	}
	if diff := cmp.Diff(usage{12, 3, 15}, got.Usage); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
}

// TestStreamFraming checks the server-sent events of a stream: each event
// one "data: " line and a blank line, the tokens in order, the finish
// chunk, the usage chunk only when asked for, and [DONE] last.
func TestStreamFraming(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		usage bool
	}{
		{"plain", `{"stream":true}`, false},
		{"spaced", `{"model":"m", "stream" : true, "stream_options": {"include_usage": false}}`, false},
		{"usage", `{"stream":true,"stream_options":{"include_usage":true}}`, true},
	}
	srv := newTestServer(t, Options{Chunks: 4, Model: "mock-4"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, srv.URL+"/chat/completions", tt.body)
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Fatalf("Content-Type %q", ct)
			}
			if !bytes.HasSuffix(body, []byte("\n\ndata: [DONE]\n\n")) {
				t.Fatalf("stream does not end with [DONE]:\n%s", body)
			}
			events := strings.Split(strings.TrimSuffix(string(body), "\n\n"), "\n\n")
			var content strings.Builder
			for i, ev := range events[:len(events)-1] {
				data, ok := strings.CutPrefix(ev, "data: ")
				if !ok || strings.Contains(data, "\n") {
					t.Fatalf("event %d is not one data line: %q", i, ev)
				}
				c := decodeChunk(t, data)
				if c.Object != "chat.completion.chunk" || c.Model != "mock-4" {
					t.Errorf("event %d: object %q, model %q", i, c.Object, c.Model)
				}
				if hasNullUsage := strings.Contains(data, `"usage":null`); hasNullUsage != (tt.usage && c.Usage == nil) {
					t.Errorf("event %d: usage null = %v, want %v", i, hasNullUsage, tt.usage)
				}
				if len(c.Choices) == 1 && c.Choices[0].Delta.Content != nil {
					content.WriteString(*c.Choices[0].Delta.Content)
				}
			}
			if content.String() != "The gateway forwards this " {
				t.Errorf("content %q", content.String())
			}
			want := 4 + 1 + 1 // tokens, finish, [DONE]
			if tt.usage {
				want++
				last := decodeChunk(t, strings.TrimPrefix(events[len(events)-2], "data: "))
				if len(last.Choices) != 0 || last.Usage == nil || *last.Usage != (usage{12, 4, 16}) {
					t.Errorf("usage chunk %+v", last)
				}
			}
			if len(events) != want {
				t.Errorf("%d events, want %d:\n%s", len(events), want, body)
			}
			first := decodeChunk(t, strings.TrimPrefix(events[0], "data: "))
			if first.Choices[0].Delta.Role != "assistant" {
				t.Errorf("first chunk has no role: %s", events[0])
			}
		})
	}
}

func decodeChunk(t *testing.T, data string) chunk {
	t.Helper()
	var c chunk
	if err := json.Unmarshal([]byte(data), &c); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return c
}

func TestBoolField(t *testing.T) {
	tests := []struct {
		body, key string
		want      bool
	}{
		{`{"stream":true}`, `"stream"`, true},
		{`{"stream": false}`, `"stream"`, false},
		{"{\"stream\"\n:\ttrue}", `"stream"`, true},
		{`{"stream_options":{"include_usage":true}}`, `"stream"`, false},
		{`{"messages":[{"content":"\"stream\":true"}]}`, `"stream"`, false},
		{`{"content":"stream","stream":true}`, `"stream"`, true},
		{`{"stream_options":{"include_usage":true}}`, `"include_usage"`, true},
		{``, `"stream"`, false},
		{`{"stream"`, `"stream"`, false},
	}
	for _, tt := range tests {
		if got := boolField([]byte(tt.body), tt.key); got != tt.want {
			t.Errorf("boolField(%s, %s) = %v, want %v", tt.body, tt.key, got, tt.want)
		}
	}
}

func TestModels(t *testing.T) {
	srv := newTestServer(t, Options{})
	resp, err := http.Get(srv.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got modelList
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 1 || got.Data[0].ID != DefaultModel {
		t.Errorf("models %+v", got)
	}
}

func TestListenRefusesOtherHosts(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "example.com:80"} {
		if ln, err := listen(addr); err == nil {
			ln.Close()
			t.Errorf("listen(%q) succeeded, want it refused", addr)
		}
	}
}
