package h1server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRoundTrip measures one request and its answer on a kept-alive
// loopback connection, client included, through this server and through
// net/http's with the same handler: a small JSON body in, a small one
// out, as a chat completion has.
func BenchmarkRoundTrip(b *testing.B) {
	answer := []byte(`{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,` +
		`"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}]}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})
	body := `{"model":"m","messages":[{"role":"user","content":"Say hello."}]}`
	req := "POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n" +
		"Authorization: Bearer sk-bench\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body

	b.Run("h1server", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		s := &Server{Handler: h}
		go s.Serve(ln)
		b.Cleanup(func() { s.Close() })
		roundTrips(b, ln.Addr().String(), req)
	})
	b.Run("net_http", func(b *testing.B) {
		s := httptest.NewServer(h)
		b.Cleanup(s.Close)
		roundTrips(b, strings.TrimPrefix(s.URL, "http://"), req)
	})
}

func roundTrips(b *testing.B, addr, req string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	raw := []byte(req)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(raw); err != nil {
			b.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
	}
}
