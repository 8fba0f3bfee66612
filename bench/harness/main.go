// Package harness runs the gateway benchmark: it builds the gateway and
// the mock upstream, starts each as a process of its own on the loopback
// interface, measures chat completions sent straight to the mock and
// through the gateway in the same run, and reports the figures against
// the gateway's performance targets, in a table on stdout and in a
// section of docs/benchmarks.md with a latency plot.
package harness

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/litellm-go/gateway/bench/report"
)

// options are the flags of benchrun.
type options struct {
	quick    bool
	gateway  string // a litellm binary; empty builds ./cmd/litellm
	docs     string // directory of benchmarks.md; empty means the module's docs
	write    bool
	latency  time.Duration
	chunks   int
	interval time.Duration
	perf     string
	timeout  time.Duration
	args     []string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{args: args}
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.quick, "quick", false, "a short run (about 20 s) instead of the full one (about 2 min)")
	fs.StringVar(&o.gateway, "gateway", "", "litellm binary to measure (default: build ./cmd/litellm)")
	fs.StringVar(&o.docs, "docs", "", "directory of benchmarks.md and the plot (default: the module's docs)")
	fs.BoolVar(&o.write, "write", true, "write the results into benchmarks.md and bench-latency.svg")
	fs.DurationVar(&o.latency, "latency", 0, "mock upstream: wait before answering")
	fs.IntVar(&o.chunks, "chunks", 20, "mock upstream: tokens per answer, chunks per stream")
	fs.DurationVar(&o.interval, "interval", time.Millisecond, "mock upstream: wait between chunks")
	fs.StringVar(&o.perf, "perf", "", "after measuring, record a perf profile of the gateway under load into this file")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "abandon the run after this long")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.chunks < 1 {
		return nil, errors.New("-chunks must be at least 1")
	}
	return o, nil
}

// Main runs benchrun and returns its exit code: 0 when the run completed,
// whether or not the figures meet their targets, 1 when it could not run,
// 2 for a bad command line.
func Main(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "benchrun: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	rep, plot, err := run(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "benchrun: %v\n", err)
		return 1
	}
	if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "benchrun: %v\n", err)
		return 1
	}
	if !o.write {
		return 0
	}
	if err := writeDocs(o.docs, rep, plot); err != nil {
		fmt.Fprintf(stderr, "benchrun: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "benchrun: wrote %s and %s\n", filepath.Join(o.docs, docFile),
		filepath.Join(o.docs, plotFile))
	return 0
}

// The files benchrun writes in the docs directory.
const (
	docFile  = "benchmarks.md"
	plotFile = "bench-latency.svg"
)

func writeDocs(dir string, rep *report.Report, plot *report.Plot) error {
	if err := report.WriteFile(filepath.Join(dir, plotFile), plot.SVG()); err != nil {
		return fmt.Errorf("write plot: %w", err)
	}
	return report.WriteSection(filepath.Join(dir, docFile), rep.Markdown())
}

// run builds and starts the processes, measures, and returns the report.
func run(ctx context.Context, o *options, log io.Writer) (*report.Report, *report.Plot, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, nil, err
	}
	if o.docs == "" {
		o.docs = filepath.Join(root, "docs")
	}
	dir, err := os.MkdirTemp("", "litellm-bench-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)

	load := loadAverage()
	fmt.Fprintln(log, "benchrun: building the gateway, the mock upstream and the TCP relay")
	gwBin, mockBin, relayBin, err := buildBinaries(ctx, root, dir, o.gateway)
	if err != nil {
		return nil, nil, err
	}
	b := &bench{plan: newPlan(o.quick), log: log}
	mockArgs := []string{"-latency", o.latency.String(), "-chunks", fmt.Sprint(o.chunks),
		"-interval", o.interval.String()}
	mock, mockURL, err := startListener(ctx, "mockupstream", mockBin, dir, mockArgs)
	if err != nil {
		return nil, nil, err
	}
	defer mock.stop()
	b.mock = mock
	relay, relayURL, err := startListener(ctx, "tcprelay", relayBin, dir,
		[]string{"-to", strings.TrimPrefix(mockURL, "http://")})
	if err != nil {
		return nil, nil, err
	}
	defer relay.stop()
	b.relay = relay
	gwDir := filepath.Join(dir, "gateway")
	if err := os.Mkdir(gwDir, 0o700); err != nil {
		return nil, nil, err
	}
	gw, err := startGateway(ctx, gwBin, gwDir, mockURL)
	if err != nil {
		return nil, nil, err
	}
	defer gw.stop()
	b.gw = gw

	before, stealOK := cpuTicks()
	res, err := b.measureAll(ctx, mockURL, relayURL)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\ngateway log:\n%s", err, gw.logTail())
	}
	after, _ := cpuTicks()
	if o.perf != "" {
		if err := b.profile(ctx, o.perf); err != nil {
			fmt.Fprintf(log, "benchrun: perf profile: %v\n", err)
		}
	}
	rep := b.report(o, res)
	if load != "" {
		rep.Setup = append(rep.Setup, "The machine's load average over the minute before the run was "+
			load+"; other work on the machine moves the figures.")
	}
	if total := after.total - before.total; stealOK && total > 0 {
		rep.Setup = append(rep.Setup, fmt.Sprintf("The hypervisor took %.1f %% of the CPU time while "+
			"measuring (steal time): on a shared virtual machine, runs differ with its neighbours.",
			100*float64(after.steal-before.steal)/float64(total)))
	}
	return rep, b.plot(res), nil
}

// ticks are the machine's CPU time counters, in clock ticks: all of it,
// and the part stolen by the hypervisor from this virtual machine.
type ticks struct{ total, steal uint64 }

// cpuTicks reads the counters of all CPUs from /proc/stat; false when
// unknown (not Linux, or a kernel without steal accounting).
func cpuTicks() (ticks, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return ticks{}, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return ticks{}, false
	}
	var t ticks
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return ticks{}, false
		}
		// guest and guest_nice (fields 9 and 10) are already in user time.
		if i < 8 {
			t.total += n
		}
		if i == 7 {
			t.steal = n
		}
	}
	return t, true
}

// loadAverage returns the one-minute load average, or "" when unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}

// measureAll sets up the credentials and runs every scenario.
func (b *bench) measureAll(ctx context.Context, mockURL, relayURL string) (*results, error) {
	r := &results{}
	var err error
	if r.startRSS, _, err = memory(b.gw.pid()); err != nil {
		return nil, err
	}
	keys, err := b.credentials(ctx)
	if err != nil {
		return nil, err
	}
	b.targets = newTargets(mockURL, relayURL, b.gw.url, keys)
	if err := b.warm(ctx); err != nil {
		return nil, err
	}
	time.Sleep(b.plan.settle)
	if r.idleRSS, _, err = memory(b.gw.pid()); err != nil {
		return nil, err
	}

	steps := []struct {
		label  string
		stream bool
		conc   int
		dst    *scenario
	}{
		{"non-streaming c=1", false, 1, &r.plain1},
		{"non-streaming c=32", false, 32, &r.plain32},
		{"streaming c=1", true, 1, &r.stream1},
		{"streaming c=32", true, 32, &r.stream32},
	}
	for _, s := range steps {
		if *s.dst, err = b.measure(ctx, s.label, s.stream, s.conc); err != nil {
			return nil, err
		}
	}
	if r.steps, err = b.search(ctx); err != nil {
		return nil, err
	}
	if _, r.peakRSS, err = memory(b.gw.pid()); err != nil {
		return nil, err
	}
	return r, nil
}

// credentials returns the gateway's credentials by name: a virtual key,
// and a session token when the CLI login works. When the gateway cannot
// serve chat completions at all, it returns none and says why.
func (b *bench) credentials(ctx context.Context) (map[string]string, error) {
	key, err := b.gw.virtualKey(ctx)
	if err != nil {
		return nil, err
	}
	switch err := b.gw.probeChat(ctx, key); {
	case errors.Is(err, errNoChat):
		b.gatewayNA = "no /v1/chat/completions yet"
		fmt.Fprintf(b.log, "benchrun: %v: measuring the mock alone\n", err)
		return nil, nil
	case err != nil:
		return nil, err
	}
	keys := map[string]string{viaKey: key}
	switch tok, err := b.gw.sessionToken(ctx); {
	case errors.Is(err, errNoLogin):
		b.sessionNA = "login not available"
		fmt.Fprintf(b.log, "benchrun: %v: no session-token figures\n", err)
	case err != nil:
		return nil, err
	default:
		if err := b.gw.probeChat(ctx, tok); err != nil {
			return nil, fmt.Errorf("with the session token: %w", err)
		}
		keys[viaSess] = tok
	}
	return keys, nil
}

// report assembles the report of a run.
func (b *bench) report(o *options, r *results) *report.Report {
	p := b.plan
	cmd := "go run ./bench/cmd/benchrun"
	if len(o.args) > 0 {
		cmd += " " + strings.Join(o.args, " ")
	}
	rep := &report.Report{
		Title: "Chat completions through the gateway (`make bench-gateway`)",
		Date:  time.Now(), Command: cmd, Machine: report.DetectMachine(),
		Setup: []string{
			fmt.Sprintf("The mock upstream (`bench/mockupstream`, a process of its own) answers %s "+
				"with %d tokens; a stream sends them as %d chunks %v apart, then a usage chunk "+
				"(`stream_options.include_usage`) and `data: [DONE]`.",
				after(o.latency), o.chunks, o.chunks, o.interval),
			"The gateway is `litellm` built from the working tree, with SQLite in a temporary directory and one " +
				"model whose `api_base` is the mock, `num_retries: 0`.",
			"The TCP relay (`bench/tcprelay`, a process of its own) copies bytes between the load generator " +
				"and the mock without reading them: what it adds is the cost of the extra hop alone on this " +
				"machine, the floor under any proxy's added latency. It is measured in the non-streaming " +
				"scenarios and in the streaming one at c=1, in turn with the others.",
			fmt.Sprintf("Load comes from `bench/loadgen` in the benchrun process: a closed loop, one keep-alive "+
				"HTTP/1.1 connection per worker (c = workers). Each scenario runs %d round(s) of %v after a %v "+
				"warm-up, direct and gateway taking turns; the search tries c = %s for %v each.",
				p.rounds, p.plain.Duration, p.plain.Warmup, joinInts(p.search.Concurrency), p.search.Step.Duration),
		},
		Rows:     b.rows(r),
		PlotFile: plotFile,
		PlotAlt:  "Latency by percentile, direct to the mock and through the gateway, at c=1 and c=32",
	}
	rep.Notes = b.notes(r)
	return rep
}

func (b *bench) notes(r *results) []string {
	notes := []string{
		"Added = the gateway's figure minus the direct figure at the same percentile, from the same run. " +
			"Percentiles come from log-linear histograms, exact to 0.4 %.",
		"Mock, gateway and load generator share the machine's cores, so throughput is bounded by their " +
			"CPU time per request together; the CPU rows show where it goes.",
		"Targets are the issue's; a FAIL is a figure to improve, not a failed test.",
	}
	if b.gatewayNA != "" {
		notes = append(notes, "Gateway figures are n/a: "+b.gatewayNA+".")
	}
	if burst := bursts(r.stream1); burst != "" {
		notes = append(notes, burst)
	}
	if b.sessionNA != "" {
		notes = append(notes, "Session-token rows are n/a: "+b.sessionNA+
			" (the CLI login needs EXPERIMENTAL_UI_LOGIN and the /sso/cli routes).")
	}
	return notes
}

// bursts describes a gateway that holds a stream's events back: its
// events then come in bursts, far closer together than the mock sent
// them, and the first token comes late.
func bursts(sc scenario) string {
	d, g := sc[direct], sc[viaKey]
	if d == nil || g == nil || g.res.Gap.Count() == 0 {
		return ""
	}
	if dm, gm := d.res.Gap.Mean(), g.res.Gap.Mean(); gm < dm/2 {
		return fmt.Sprintf("Through the gateway, stream events arrived in bursts (mean gap %s, "+
			"sent %s apart): the gateway does not flush each event as it comes, "+
			"which is why its time to first token is close to the whole stream's duration.",
			formatDuration(gm), formatDuration(dm))
	}
	return ""
}

// after says when the mock answers.
func after(latency time.Duration) string {
	if latency <= 0 {
		return "at once"
	}
	return "after " + latency.String()
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
