// Command mockupstream serves OpenAI-format chat completions with fixed
// answers, for benchmarks of the gateway. See package mockupstream.
package main

import (
	"os"

	"github.com/litellm-go/gateway/bench/mockupstream"
)

func main() {
	os.Exit(mockupstream.Main(os.Args[1:], os.Stdout, os.Stderr))
}
