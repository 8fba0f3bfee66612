// Command litellm-proxy is the command-line client of the gateway: list
// models, manage keys, users and teams, and send raw API requests.
package main

import (
	"os"

	"github.com/litellm-go/gateway/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
