package e2e

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkGatewayStartToReady measures the time from starting the litellm
// process to its first 200 on /health/readiness, polled every
// pollInterval. Stopping the process is not counted.
func BenchmarkGatewayStartToReady(b *testing.B) {
	requireBinaries(b)

	// A fresh database is created and migrated at start; an existing one
	// is only opened, as on every restart.
	b.Run("fresh database", func(b *testing.B) {
		benchStart(b, func() string { return exampleConfigDir(b) })
	})
	b.Run("existing database", func(b *testing.B) {
		dir := exampleConfigDir(b)
		startAndStop(b, dir)
		benchStart(b, func() string { return dir })
	})
}

func benchStart(b *testing.B, newDir func() string) {
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir := newDir()
		b.StartTimer()
		total += startAndStop(b, dir)
	}
	b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms/op")
}

// startAndStop starts a gateway in dir, waits until it is ready, stops it
// and returns how long it took to become ready.
func startAndStop(b *testing.B, dir string) time.Duration {
	begin := time.Now()
	g, err := launchGateway(gatewayOptions{dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	err = g.waitReady(readyDeadline)
	took := time.Since(begin)
	b.StopTimer()
	defer b.StartTimer()
	if stopErr := g.stop(); err == nil && stopErr != nil {
		err = fmt.Errorf("stop gateway: %w; stderr:\n%s", stopErr, g.stderr)
	}
	if err != nil {
		b.Fatal(err)
	}
	return took
}

// idleSettle is how long the gateway idles after it is ready before its
// memory is read, so that start-up garbage has had a chance to go.
const idleSettle = time.Second

// BenchmarkIdleRSS reports the resident memory of a gateway that serves
// the example config and has been idle for idleSettle since it became
// ready. It reads VmRSS from /proc and so runs on Linux only.
func BenchmarkIdleRSS(b *testing.B) {
	requireBinaries(b)
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("SKIP: no /proc/self/status to read VmRSS from")
	}
	dir := exampleConfigDir(b)
	var totalMB float64
	for range b.N {
		g, err := launchGateway(gatewayOptions{dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := g.waitReady(readyDeadline); err != nil {
			g.stop()
			b.Fatal(err)
		}
		time.Sleep(idleSettle)
		mb, err := residentMB(g.cmd.Process.Pid)
		if stopErr := g.stop(); err == nil && stopErr != nil {
			err = fmt.Errorf("stop gateway: %w; stderr:\n%s", stopErr, g.stderr)
		}
		if err != nil {
			b.Fatal(err)
		}
		totalMB += mb
	}
	b.ReportMetric(totalMB/float64(b.N), "MB-rss")
}

// residentMB returns the VmRSS of process pid in MiB.
func residentMB(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		// Such as "VmRSS:	   23456 kB".
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			return 0, fmt.Errorf("read VmRSS of %d: %w", pid, err)
		}
		return kb / 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
