// Command litellm is the gateway: an OpenAI-compatible proxy in front of
// LLM providers, configured by LiteLLM's config.yaml.
package main

import (
	"os"

	"github.com/litellm-go/gateway/internal/server"
)

func main() {
	os.Exit(server.Main(os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr))
}
