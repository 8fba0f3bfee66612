//go:build !unix

package sqlstore

import "time"

// cpuTime returns -1: this system does not tell the CPU time used.
func cpuTime() time.Duration { return -1 }
