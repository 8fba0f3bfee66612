// Command benchrun measures the gateway against a mock upstream and
// writes the figures into docs/benchmarks.md. See bench/README.md.
package main

import (
	"os"

	"github.com/litellm-go/gateway/bench/harness"
)

func main() {
	os.Exit(harness.Main(os.Args[1:], os.Stdout, os.Stderr))
}
