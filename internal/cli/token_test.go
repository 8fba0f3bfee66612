package cli

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPrintToken(t *testing.T) {
	m := newMachine(t)
	m.env[envAPIKey] = "sk-not-this-one" // keys are not what print-token prints
	got := m.run("auth", "print-token")
	checkFailure(t, got, exitAuth, "not logged in; run litellm-proxy login to log in")

	m.login(exampleGateway)
	for _, args := range [][]string{
		{"auth", "print-token"},
		{"--base-url", exampleGateway + ":443/", "auth", "print-token"},
	} {
		got = m.run(args...)
		want := result{0, testToken("t1") + "\n", ""}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
			t.Errorf("%v (-want +got):\n%s", args, diff)
		}
	}

	got = m.run("--base-url", "http://localhost:4000", "auth", "print-token")
	checkFailure(t, got, exitAuth, "the stored login belongs to the gateway at "+
		"https://llm.example.com, not http://localhost:4000; run litellm-proxy login "+
		"--base-url http://localhost:4000 to log in to this one, or pass --api-key")

	m.now = t0.Add(24 * time.Hour)
	got = m.run("auth", "print-token")
	checkFailure(t, got, exitAuth,
		"your login expired moments ago (2025-01-03 12:00 UTC); run litellm-proxy login")
}
