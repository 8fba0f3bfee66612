package provider

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

const benchRequest = `{"messages":[{"role":"system","content":"You are terse."},` +
	`{"role":"user","content":"Say \"hello\" in three languages, please."}],` +
	`"model":"gpt-4o","temperature":0.2}`

const benchAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",` +
	`"choices":[{"index":0,"message":{"role":"assistant","content":"Hello, Bonjour, Hola."},` +
	`"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":7,"total_tokens":32}}`

// benchStream is a 32-chunk answer with a usage chunk, as OpenAI sends it.
var benchStream = strings.Repeat(chunk2, 32) + usageChunk + doneEvent

// upstreams serves the benchmark answers from a loopback HTTP server.
func benchServer(b *testing.B) *httptest.Server {
	answer, stream := []byte(benchAnswer), []byte(benchStream)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if strings.Contains(r.Header.Get("Accept"), "event-stream") {
			w.Header()["Content-Type"] = eventStreamTyp
			w.Write(stream)
			return
		}
		w.Header()["Content-Type"] = jsonType
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(answer))}
		w.Write(answer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// memTransport answers from memory, so that a benchmark counts the
// adapter's own work and allocations without a server's.
type memTransport struct{ answer, stream []byte }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	if r.Header["Accept"] != nil {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": eventStreamTyp},
			Body: io.NopCloser(bytes.NewReader(m.stream)), ContentLength: -1}, nil
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": jsonType},
		Body: io.NopCloser(bytes.NewReader(m.answer)), ContentLength: int64(len(m.answer))}, nil
}

func benchAdapter(b *testing.B, loopback bool) (*Deployment, Adapter) {
	d := &Deployment{Provider: "openai", UpstreamModel: "gpt-4o-2024-08-06", APIKey: testKey,
		APIBase: "http://upstream.invalid/v1"}
	var rt http.RoundTripper = memTransport{[]byte(benchAnswer), []byte(benchStream)}
	if loopback {
		d.APIBase, rt = benchServer(b).URL+"/v1", sharedTransport
	}
	return d, &openAI{client: client{rt: rt, now: time.Now}, spec: providers["openai"]}
}

func benchmarkPassThrough(b *testing.B, loopback, stream bool) {
	d, a := benchAdapter(b, loopback)
	body := []byte(benchRequest)
	if stream {
		body = []byte(strings.Replace(benchRequest, `"temperature"`, `"stream":true,"temperature"`, 1))
	}
	r := &Request{Op: OpChat, Body: body, Stream: stream}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := a.Do(ctx, d, r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := resp.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		resp.Close()
		if resp.Usage.TotalTokens == 0 {
			b.Fatal("no usage")
		}
	}
}

func BenchmarkOpenAIChat(b *testing.B)        { benchmarkPassThrough(b, true, false) }
func BenchmarkOpenAIChatStream(b *testing.B)  { benchmarkPassThrough(b, true, true) }
func BenchmarkAdapterChat(b *testing.B)       { benchmarkPassThrough(b, false, false) }
func BenchmarkAdapterChatStream(b *testing.B) { benchmarkPassThrough(b, false, true) }
