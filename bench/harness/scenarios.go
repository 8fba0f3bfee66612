package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/litellm-go/gateway/bench/loadgen"
)

// plan says how long each part of a run takes.
type plan struct {
	rounds int            // direct and gateway take turns this many times
	plain  loadgen.Config // one round of a non-streaming scenario
	stream loadgen.Config // one round of a streaming scenario
	search loadgen.SearchConfig
	warmup time.Duration // load on the gateway before its idle memory is read
	settle time.Duration // quiet time before that reading
	// profile is how long -perf records the gateway under load.
	profile time.Duration
}

// maxAddedP99 is the latency budget of the throughput search.
const maxAddedP99 = 5 * time.Millisecond

// newPlan returns the plan of a full run (about two minutes) or a quick
// one (about twenty seconds).
func newPlan(quick bool) plan {
	if quick {
		return plan{
			rounds: 1,
			plain:  loadgen.Config{Duration: 700 * time.Millisecond, Warmup: 150 * time.Millisecond},
			stream: loadgen.Config{Duration: 700 * time.Millisecond, Warmup: 150 * time.Millisecond},
			search: loadgen.SearchConfig{Concurrency: []int{1, 8, 64},
				Step:        loadgen.Config{Duration: 400 * time.Millisecond, Warmup: 100 * time.Millisecond},
				MaxAddedP99: maxAddedP99},
			warmup: 300 * time.Millisecond, settle: 500 * time.Millisecond,
			profile: 3 * time.Second,
		}
	}
	return plan{
		rounds: 2,
		plain:  loadgen.Config{Duration: 4 * time.Second, Warmup: 500 * time.Millisecond},
		stream: loadgen.Config{Duration: 3 * time.Second, Warmup: 500 * time.Millisecond},
		search: loadgen.SearchConfig{Concurrency: []int{1, 2, 4, 8, 16, 32, 64, 128, 256},
			Step:        loadgen.Config{Duration: 1500 * time.Millisecond, Warmup: 250 * time.Millisecond},
			MaxAddedP99: maxAddedP99},
		warmup: time.Second, settle: 2 * time.Second,
		profile: 10 * time.Second,
	}
}

// Credentials a scenario sends to the gateway, the direct baseline, and
// the reference relay.
const (
	direct  = "direct"
	relayed = "TCP relay"
	viaKey  = "virtual key"
	viaSess = "session token"
)

// cpuUse is the CPU time each process spent during a measurement.
type cpuUse struct{ gateway, relay, mock, loadgen time.Duration }

// sample is a measurement of one target: the load generator's result and
// the CPU time spent, summed over rounds.
type sample struct {
	res *loadgen.Result
	cpu cpuUse
}

// cpuPerRequest returns the CPU time per completed request of d.
func (s *sample) cpuPerRequest(d time.Duration) time.Duration {
	if s == nil || s.res.Requests == 0 {
		return 0
	}
	return d / time.Duration(s.res.Requests)
}

// scenario is a set of samples taken under the same load.
type scenario map[string]*sample

// bench is the state of one run.
type bench struct {
	plan    plan
	log     io.Writer
	mock    *proc
	relay   *proc
	gw      *gateway
	targets targets
	// gatewayNA and sessionNA say why gateway figures, or those of the
	// session token, could not be measured; empty when they were.
	gatewayNA string
	sessionNA string
}

// targets are the requests of a run, by credential (or direct), then by
// whether they stream.
type targets map[string]map[bool]loadgen.Target

// newTargets returns the targets of the run: the mock directly and
// through the relay, and the gateway with each credential it handed out.
func newTargets(mockURL, relayURL, gatewayURL string, keys map[string]string) targets {
	t := targets{}
	add := func(name, base, key string) {
		h := http.Header{"Authorization": {"Bearer " + key}}
		t[name] = map[bool]loadgen.Target{
			false: {URL: base + "/v1/chat/completions", Header: h, Body: plainBody},
			true:  {URL: base + "/v1/chat/completions", Header: h, Body: streamBody, Stream: true},
		}
	}
	add(direct, mockURL, "sk-mock-upstream")
	add(relayed, relayURL, "sk-mock-upstream")
	for name, key := range keys {
		add(name, gatewayURL, key)
	}
	return t
}

// subjects returns the credentials the gateway can be measured with.
func (b *bench) subjects() []string {
	var names []string
	for _, n := range []string{viaKey, viaSess} {
		if _, ok := b.targets[n]; ok {
			names = append(names, n)
		}
	}
	return names
}

// measure runs the scenario at the given concurrency: direct, the relay
// and then each gateway credential, round after round, so that a slow
// minute of the machine does not fall on one side only. Streams are
// measured with the virtual key only, as a session token changes the
// authentication, which the plain scenarios measure, not the streaming;
// and through the relay at c=1 only, for the floor under the time to
// first token target.
func (b *bench) measure(ctx context.Context, label string, stream bool, conc int) (scenario, error) {
	cfg := b.plan.plain
	names := append([]string{direct, relayed}, b.subjects()...)
	if stream {
		cfg = b.plan.stream
		names = names[:min(len(names), 3)]
		if conc > 1 {
			names = slices.DeleteFunc(names, func(n string) bool { return n == relayed })
		}
	}
	cfg.Concurrency = conc
	sc := scenario{}
	for range b.plan.rounds {
		for _, name := range names {
			s, err := b.sample(ctx, b.targets[name][stream], cfg)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", label, name, err)
			}
			if prev := sc[name]; prev != nil {
				prev.res.Merge(s.res)
				prev.cpu.gateway += s.cpu.gateway
				prev.cpu.relay += s.cpu.relay
				prev.cpu.mock += s.cpu.mock
				prev.cpu.loadgen += s.cpu.loadgen
			} else {
				sc[name] = s
			}
		}
	}
	for _, name := range names {
		b.progress(label, name, sc[name].res)
	}
	return sc, nil
}

// sample runs one load and the CPU accounting around it.
func (b *bench) sample(ctx context.Context, t loadgen.Target, cfg loadgen.Config) (*sample, error) {
	before, err := b.cpu()
	if err != nil {
		return nil, err
	}
	res, err := loadgen.Run(ctx, t, cfg)
	if err != nil {
		return nil, err
	}
	after, err := b.cpu()
	if err != nil {
		return nil, err
	}
	// Warm-up requests are not counted: scale the CPU time to the
	// measured share of the run.
	share := float64(cfg.Duration) / float64(cfg.Duration+cfg.Warmup)
	scale := func(d time.Duration) time.Duration { return time.Duration(float64(d) * share) }
	return &sample{res: res, cpu: cpuUse{
		gateway: scale(after.gateway - before.gateway),
		relay:   scale(after.relay - before.relay),
		mock:    scale(after.mock - before.mock),
		loadgen: scale(after.loadgen - before.loadgen),
	}}, nil
}

func (b *bench) cpu() (cpuUse, error) {
	var u cpuUse
	var err error
	if u.mock, err = cpuTime(b.mock.pid()); err != nil {
		return u, err
	}
	if u.loadgen, err = cpuTime(0); err != nil {
		return u, err
	}
	if b.gw != nil {
		if u.gateway, err = cpuTime(b.gw.pid()); err != nil {
			return u, err
		}
	}
	if b.relay != nil {
		if u.relay, err = cpuTime(b.relay.pid()); err != nil {
			return u, err
		}
	}
	return u, nil
}

func (b *bench) progress(label, name string, r *loadgen.Result) {
	fmt.Fprintf(b.log, "benchrun: %-22s %-14s %8.0f req/s  p50 %-9v p99 %-9v errors %d\n",
		label, name, r.Throughput(), r.Latency.Quantile(0.5).Round(time.Microsecond),
		r.Latency.Quantile(0.99).Round(time.Microsecond), r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(b.log, "benchrun:   first error: %.300s\n", r.FirstError)
	}
}

// search finds the highest throughput within the latency budget, for the
// gateway with its virtual key against the mock, or for the mock alone
// when the gateway cannot be measured.
func (b *bench) search(ctx context.Context) ([]loadgen.Step, error) {
	base := b.targets[direct][false]
	subject, ok := b.targets[viaKey]
	if !ok {
		return b.searchDirect(ctx, base)
	}
	steps, err := loadgen.Search(ctx, base, subject[false], b.plan.search)
	for _, s := range steps {
		fmt.Fprintf(b.log, "benchrun: search c=%-4d direct %8.0f req/s p99 %-9v gateway %8.0f req/s p99 %-9v ok %v\n",
			s.Concurrency, s.Baseline.Throughput(), s.Baseline.Latency.Quantile(0.99).Round(time.Microsecond),
			s.Subject.Throughput(), s.Subject.Latency.Quantile(0.99).Round(time.Microsecond), s.OK)
	}
	return steps, err
}

func (b *bench) searchDirect(ctx context.Context, base loadgen.Target) ([]loadgen.Step, error) {
	var steps []loadgen.Step
	for _, c := range b.plan.search.Concurrency {
		cfg := b.plan.search.Step
		cfg.Concurrency = c
		res, err := loadgen.Run(ctx, base, cfg)
		if err != nil {
			return steps, err
		}
		steps = append(steps, loadgen.Step{Concurrency: c, Baseline: res})
		b.progress(fmt.Sprintf("search c=%d", c), direct, res)
		if res.Errors > 0 {
			break
		}
	}
	return steps, nil
}

// warm loads the gateway briefly, so that its idle memory is read after
// its pools, caches and heap have grown to serve.
func (b *bench) warm(ctx context.Context) error {
	for _, stream := range []bool{false, true} {
		for _, name := range b.subjects() {
			cfg := loadgen.Config{Concurrency: 4, Duration: b.plan.warmup}
			if _, err := loadgen.Run(ctx, b.targets[name][stream], cfg); err != nil {
				return err
			}
		}
	}
	return nil
}
