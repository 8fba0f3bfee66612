package harness

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/litellm-go/gateway/bench/loadgen"
)

// profile records the gateway with perf while it serves non-streaming
// completions at c=32, after the measurements, so that perf's own cost
// does not touch the figures.
func (b *bench) profile(ctx context.Context, out string) error {
	t, ok := b.targets[viaKey]
	if !ok {
		return errors.New("the gateway serves no chat completions to profile")
	}
	perf, err := exec.LookPath("perf")
	if err != nil {
		return err
	}
	cmd := exec.Command(perf, "record", "-F", "999", "-g", "-o", out, "-p", strconv.Itoa(b.gw.pid()))
	if err := cmd.Start(); err != nil {
		return err
	}
	fmt.Fprintf(b.log, "benchrun: recording the gateway with perf for %v\n", b.plan.profile)
	_, runErr := loadgen.Run(ctx, t[false], loadgen.Config{Concurrency: 32, Duration: b.plan.profile})
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(stopDeadline):
		cmd.Process.Kill()
		err = <-done
	}
	if runErr != nil {
		return runErr
	}
	// perf record ends on SIGINT by exiting with it, profile written.
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGINT {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("perf record: %w", err)
	}
	fmt.Fprintf(b.log, "benchrun: perf profile in %s; read it with: perf report -i %s --no-children\n", out, out)
	return nil
}
