// Package testenv gives tests the real components they need, such as a
// PostgreSQL server, and decides what happens when one is missing: on a
// developer's machine the test is skipped with a loud message; in CI
// (CI=true) it fails, so that CI never goes green by skipping.
package testenv

import (
	"os"
	"testing"
)

// Require stops the current test because the component what is not
// available; why tells how to provide it. The test is skipped, or fails
// when the environment variable CI is "true".
func Require(t testing.TB, what, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s not available, and CI=true forbids skipping: %s", what, why)
		return
	}
	t.Skipf("SKIP: %s not available: %s", what, why)
}

// InCI reports whether the tests run in CI, where every component must be
// present.
func InCI() bool {
	return os.Getenv("CI") == "true"
}
