package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/litellm-go/gateway/internal/server"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

// syncBuffer is a bytes.Buffer safe for the gateway's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsCarryRequestIDsAndNoSecrets(t *testing.T) {
	var buf syncBuffer
	log := server.NewLogger(&buf, slog.LevelDebug, true)
	g := servertest.Start(t, servertest.Options{Log: log})

	r := g.MustDo(t, 200, "POST", "/key/generate", g.MasterKey, map[string]any{"key_alias": "ci"})
	var k struct{ Key string }
	r.JSON(t, &k)
	g.MustDo(t, 200, "GET", "/v1/models", k.Key, nil)
	g.MustDo(t, 401, "GET", "/v1/models", "sk-wrong-key-for-the-log-test", nil)

	out := buf.String()
	for _, secret := range []string{g.MasterKey, k.Key, "sk-wrong-key-for-the-log-test"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log contains a secret %q", secret)
		}
	}
	requests := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if line["msg"] != "request" && line["msg"] != "key generated" {
			continue
		}
		requests++
		if id, _ := line["request_id"].(string); id == "" {
			t.Errorf("log line without request_id: %s", sc.Text())
		}
	}
	if requests < 4 {
		t.Errorf("found %d request log lines, want at least 4:\n%s", requests, out)
	}
}
