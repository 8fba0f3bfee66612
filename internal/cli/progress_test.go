package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the spinner's goroutine.
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

func TestProgressOnATerminal(t *testing.T) {
	var out syncBuffer
	now := t0
	p := &progress{w: &out, now: func() time.Time { return now }, deadline: t0.Add(272 * time.Second),
		live: true}
	p.start()
	time.Sleep(3 * spinnerEvery)
	p.note("warning: a note")
	p.pause()
	p.resume()
	p.stop()
	p.stop() // idempotent

	got := out.String()
	for _, want := range []string{"\r\x1b[2K⠋ Waiting for you to finish in the browser... " +
		"4m 32s left (Ctrl-C to cancel)", "\r\x1b[2Kwarning: a note\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\r\x1b[2K") {
		t.Errorf("the spinner's line was not cleared at the end: %q", got)
	}
}

func TestProgressPlain(t *testing.T) {
	var out bytes.Buffer
	now := t0
	p := &progress{w: &out, now: func() time.Time { return now }, deadline: t0.Add(5 * time.Minute)}
	p.start()
	now = now.Add(30 * time.Second)
	p.tick()
	now = now.Add(31 * time.Second)
	p.tick()
	p.stop()
	want := "Waiting for you to finish in the browser (5m 00s left)...\n" +
		"Still waiting (3m 59s left)...\n"
	if out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

func TestBrowserCommand(t *testing.T) {
	tests := []struct {
		goos, env string
		want      string
	}{
		{"linux", "", "xdg-open"},
		{"darwin", "", "open"},
		{"windows", "", "rundll32 url.dll,FileProtocolHandler"},
		{"linux", "firefox --new-window", "firefox --new-window"},
	}
	for _, tt := range tests {
		if got := strings.Join(browserCommand(tt.goos, tt.env), " "); got != tt.want {
			t.Errorf("browserCommand(%s, %q) = %q, want %q", tt.goos, tt.env, got, tt.want)
		}
	}
}
