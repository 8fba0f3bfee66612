// Command tcprelay relays TCP connections to an address, for the gateway
// benchmark's reference figures. See package tcprelay.
package main

import (
	"os"

	"github.com/litellm-go/gateway/bench/tcprelay"
)

func main() {
	os.Exit(tcprelay.Main(os.Args[1:], os.Stdout, os.Stderr))
}
