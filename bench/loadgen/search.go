package loadgen

import (
	"context"
	"time"
)

// SearchConfig describes a throughput search.
type SearchConfig struct {
	// Concurrency lists the levels to try, in increasing order.
	Concurrency []int
	// Step bounds each run; its Concurrency is ignored.
	Step Config
	// MaxAddedP99 is the latency budget: the p99 latency of the system
	// under test, minus that of the baseline at the same concurrency.
	MaxAddedP99 time.Duration
}

// Step is one level of a search.
type Step struct {
	Concurrency int
	Baseline    *Result
	Subject     *Result
	AddedP99    time.Duration
	// OK says whether the subject stayed within the budget without errors.
	OK bool
}

// maxMisses is how many levels in a row may miss the budget before a
// search stops: one p99 can be a scheduling hiccup, two in a row is the
// server saturating.
const maxMisses = 2

// Search runs baseline then subject at each concurrency level, and stops
// once the subject misses the latency budget, or fails a request, at
// maxMisses levels in a row: closed-loop throughput only grows with
// concurrency until a server saturates, after which extra workers only
// queue. The best sustainable throughput of the subject is that of its
// best OK step (BestSubject); the baseline's is its highest throughput
// without errors (BestBaseline), as nothing is added to it.
func Search(ctx context.Context, baseline, subject Target, cfg SearchConfig) ([]Step, error) {
	var steps []Step
	misses := 0
	for _, c := range cfg.Concurrency {
		step := cfg.Step
		step.Concurrency = c
		b, err := Run(ctx, baseline, step)
		if err != nil {
			return steps, err
		}
		s, err := Run(ctx, subject, step)
		if err != nil {
			return steps, err
		}
		added := s.Latency.Quantile(0.99) - b.Latency.Quantile(0.99)
		ok := s.Errors == 0 && added <= cfg.MaxAddedP99
		steps = append(steps, Step{Concurrency: c, Baseline: b, Subject: s, AddedP99: added, OK: ok})
		if misses = misses + 1; ok {
			misses = 0
		}
		if misses == maxMisses {
			break
		}
	}
	return steps, nil
}

// BestSubject returns the OK step with the highest subject throughput, or
// nil when there is none.
func BestSubject(steps []Step) *Step {
	var best *Step
	for i := range steps {
		s := &steps[i]
		if s.OK && (best == nil || s.Subject.Throughput() > best.Subject.Throughput()) {
			best = s
		}
	}
	return best
}

// BestBaseline returns the step with the highest baseline throughput
// without errors, or nil.
func BestBaseline(steps []Step) *Step {
	var best *Step
	for i := range steps {
		s := &steps[i]
		b := s.Baseline
		if b.Errors == 0 && (best == nil || b.Throughput() > best.Baseline.Throughput()) {
			best = s
		}
	}
	return best
}
