package tcprelay

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRelayCarriesRequestsAndStops(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Write([]byte("echo:" + string(body)))
	}))
	defer up.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, strings.TrimPrefix(up.URL, "http://")) }()

	client := &http.Client{Timeout: 5 * time.Second}
	for _, msg := range []string{"one", "two"} { // the second reuses the relayed connection
		resp, err := client.Post("http://"+ln.Addr().String()+"/", "text/plain", strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "echo:"+msg {
			t.Errorf("answer %q, want %q", got, "echo:"+msg)
		}
	}

	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running 5s after its context ended, with a client connection open")
	}
}
