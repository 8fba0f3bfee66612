// Package version reports the build of the gateway and the CLI.
package version

import (
	"runtime/debug"
	"sync"
)

// Version is the release version, set at link time with
// -ldflags "-X github.com/litellm-go/gateway/internal/version.Version=v1.2.3".
var Version = "dev"

var describe = sync.OnceValue(func() string {
	s := Version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return s
	}
	var rev, dirty string
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		s += " (" + rev + dirty + ")"
	}
	return s + " " + info.GoVersion
})

// String returns the version, the source revision when known, and the Go
// version, such as "dev (1a2b3c4d5e6f) go1.26.8".
func String() string { return describe() }
