package testenv

import (
	"strings"
	"testing"
)

func TestRedisMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	Redis(r)
	if !strings.Contains(r.skipped, "SKIP: Redis not available: install redis-server") {
		t.Errorf("skip message = %q, want it to say how to install redis-server", r.skipped)
	}
}

// TestRedis checks that the server answers, that Stop takes it away as an
// outage would, and that Start brings it back on the same address.
func TestRedis(t *testing.T) {
	r := Redis(t)
	if !ping(r.Addr) {
		t.Fatalf("no PONG from %s", r.Addr)
	}
	r.Stop()
	if ping(r.Addr) {
		t.Fatalf("%s answers after Stop", r.Addr)
	}
	r.Stop() // a second Stop does nothing
	r.Start()
	if !ping(r.Addr) {
		t.Fatalf("no PONG from %s after Start", r.Addr)
	}
}
