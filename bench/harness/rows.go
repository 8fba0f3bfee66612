package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/litellm-go/gateway/bench/loadgen"
	"github.com/litellm-go/gateway/bench/report"
)

// results are the measurements of a run.
type results struct {
	plain1, plain32   scenario
	stream1, stream32 scenario
	steps             []loadgen.Step
	// Memory of the gateway, in bytes: VmRSS at start and idle after
	// warm-up, VmHWM at the end.
	startRSS, idleRSS, peakRSS int64
}

// The targets.
const (
	targetAddedP50   = 100 * time.Microsecond
	targetAddedP99   = 400 * time.Microsecond
	targetAddedTTFT  = 200 * time.Microsecond
	targetShare      = 0.5
	targetIdleMemory = 40e6
	targetPeakMemory = 150e6
)

// rows turns the results into the report's table.
func (b *bench) rows(r *results) []report.Row {
	var rows []report.Row
	rows = append(rows, b.latencyRows(r.plain1, "latency", "c=1", targetAddedP50, targetAddedP99)...)
	rows = append(rows, b.latencyRows(r.plain32, "latency", "c=32", 0, 0)...)
	rows = append(rows, b.throughputRow(r.plain32, viaKey), b.searchRow(r.steps))
	rows = append(rows, b.relayRows(r)...)
	rows = append(rows, b.streamRows(r.stream1, "c=1", targetAddedTTFT)...)
	rows = append(rows, b.streamRows(r.stream32, "c=32", 0)...)
	rows = append(rows, b.memoryRows(r)...)
	rows = append(rows, b.errorRow(r))
	return append(rows, b.cpuRows(r.plain32)...)
}

// latencyRows compares percentiles of each credential with direct; a
// zero target means none.
func (b *bench) latencyRows(sc scenario, what, conc string, p50, p99 time.Duration) []report.Row {
	var rows []report.Row
	for _, cred := range []string{viaKey, viaSess} {
		for _, p := range []struct {
			q      float64
			name   string
			target time.Duration
		}{{0.5, "p50", p50}, {0.9, "p90", 0}, {0.99, "p99", p99}} {
			metric := fmt.Sprintf("%s %s, %s, %s", what, p.name, conc, cred)
			row := b.compare(metric, sc, cred, func(r *loadgen.Result) time.Duration {
				return r.Latency.Quantile(p.q)
			}, p.target)
			rows = append(rows, row)
		}
	}
	return rows
}

// compare makes a row of a duration measured directly and through the
// gateway with cred, judged on what the gateway adds.
func (b *bench) compare(metric string, sc scenario, cred string,
	f func(*loadgen.Result) time.Duration, target time.Duration) report.Row {
	row := report.Row{Metric: metric}
	if target > 0 {
		row.Target = "added ≤ " + formatDuration(target)
	}
	if d := sc[direct]; d != nil {
		row.Direct = formatDuration(f(d.res))
	}
	s := sc[cred]
	if s == nil {
		row.Gateway = "n/a (" + b.why(cred) + ")"
		if target > 0 {
			row.Verdict = report.NA
		}
		return row
	}
	added := f(s.res) - f(sc[direct].res)
	row.Gateway, row.Added = formatDuration(f(s.res)), formatDuration(added)
	if target > 0 {
		row.Verdict = verdict(added <= target)
	}
	return row
}

// why says why cred could not be measured.
func (b *bench) why(cred string) string {
	if b.gatewayNA != "" {
		return b.gatewayNA
	}
	if cred == viaSess && b.sessionNA != "" {
		return b.sessionNA
	}
	return "not measured"
}

// relayRows are the reference relay's figures, the floor of the gateway's:
// latency at c=1 and c=32, throughput at c=32, and time to first token at
// c=1.
func (b *bench) relayRows(r *results) []report.Row {
	var rows []report.Row
	for _, s := range []struct {
		sc   scenario
		conc string
	}{{r.plain1, "c=1"}, {r.plain32, "c=32"}} {
		for _, p := range []struct {
			q    float64
			name string
		}{{0.5, "p50"}, {0.99, "p99"}} {
			metric := fmt.Sprintf("reference: latency %s, %s, %s", p.name, s.conc, relayed)
			rows = append(rows, b.compare(metric, s.sc, relayed, func(r *loadgen.Result) time.Duration {
				return r.Latency.Quantile(p.q)
			}, 0))
		}
	}
	rows = append(rows, b.throughputRow(r.plain32, relayed))
	return append(rows, b.compare("reference: time to first token p50, c=1, "+relayed, r.stream1, relayed,
		func(r *loadgen.Result) time.Duration { return r.TTFT.Quantile(0.5) }, 0))
}

func (b *bench) throughputRow(sc scenario, subject string) report.Row {
	row := report.Row{Metric: "throughput, c=32, " + subject}
	if subject == relayed {
		row.Metric = "reference: " + row.Metric
	}
	d, g := sc[direct], sc[subject]
	if d != nil {
		row.Direct = formatRate(d.res.Throughput())
	}
	if g == nil {
		row.Gateway = "n/a (" + b.why(viaKey) + ")"
		return row
	}
	row.Gateway = formatRate(g.res.Throughput())
	row.Added = formatShare(g.res.Throughput(), d.res.Throughput())
	return row
}

// searchRow reports the best throughput of the search within the budget.
func (b *bench) searchRow(steps []loadgen.Step) report.Row {
	row := report.Row{
		Metric: fmt.Sprintf("max throughput with p99 added ≤ %v, no errors", maxAddedP99),
		Target: fmt.Sprintf("≥ %.0f %% of direct", targetShare*100),
	}
	bd := loadgen.BestBaseline(steps)
	if bd != nil {
		row.Direct = fmt.Sprintf("%s at c=%d", formatRate(bd.Baseline.Throughput()), bd.Concurrency)
	}
	if b.gatewayNA != "" {
		row.Gateway, row.Verdict = "n/a ("+b.gatewayNA+")", report.NA
		return row
	}
	bs := loadgen.BestSubject(steps)
	if bs == nil || bd == nil {
		row.Gateway, row.Verdict = "none within budget", report.Fail
		return row
	}
	share := bs.Subject.Throughput() / bd.Baseline.Throughput()
	row.Gateway = fmt.Sprintf("%s at c=%d", formatRate(bs.Subject.Throughput()), bs.Concurrency)
	row.Added = formatShare(bs.Subject.Throughput(), bd.Baseline.Throughput())
	row.Verdict = verdict(share >= targetShare)
	return row
}

// streamRows compares time to first token and the gap between tokens,
// with the virtual key.
func (b *bench) streamRows(sc scenario, conc string, ttft time.Duration) []report.Row {
	return []report.Row{
		b.compare("time to first token p50, "+conc, sc, viaKey,
			func(r *loadgen.Result) time.Duration { return r.TTFT.Quantile(0.5) }, ttft),
		b.compare("time to first token p99, "+conc, sc, viaKey,
			func(r *loadgen.Result) time.Duration { return r.TTFT.Quantile(0.99) }, 0),
		b.compare("inter-token gap mean, "+conc, sc, viaKey,
			func(r *loadgen.Result) time.Duration { return r.Gap.Mean() }, 0),
	}
}

func (b *bench) memoryRows(r *results) []report.Row {
	rows := []report.Row{
		{Metric: "gateway memory at start (VmRSS)", Gateway: formatBytes(r.startRSS)},
		{Metric: "gateway memory idle after warm-up (VmRSS)", Gateway: formatBytes(r.idleRSS),
			Target: "≤ " + formatBytes(targetIdleMemory), Verdict: verdict(r.idleRSS <= targetIdleMemory)},
		{Metric: "gateway memory peak (VmHWM)", Gateway: formatBytes(r.peakRSS),
			Target: "≤ " + formatBytes(targetPeakMemory), Verdict: verdict(r.peakRSS <= targetPeakMemory)},
	}
	if b.gatewayNA != "" {
		rows[1].Gateway += " (no chat load: " + b.gatewayNA + ")"
		rows[2].Gateway += " (no chat load)"
		rows[1].Verdict, rows[2].Verdict = report.NA, report.NA
	}
	return rows
}

// errorRow counts failed requests of every measurement.
func (b *bench) errorRow(r *results) report.Row {
	var dr, de, gr, ge int64
	count := func(name string, res *loadgen.Result) {
		if name == direct {
			dr, de = dr+res.Requests, de+res.Errors
		} else {
			gr, ge = gr+res.Requests, ge+res.Errors
		}
	}
	for _, sc := range []scenario{r.plain1, r.plain32, r.stream1, r.stream32} {
		for name, s := range sc {
			count(name, s.res)
		}
	}
	for _, s := range r.steps {
		count(direct, s.Baseline)
		if s.Subject != nil {
			count(viaKey, s.Subject)
		}
	}
	row := report.Row{Metric: "errors, all requests above", Direct: formatErrors(de, dr),
		Gateway: formatErrors(ge, gr), Target: "0", Verdict: verdict(ge == 0 && de == 0)}
	if b.gatewayNA != "" {
		row.Gateway, row.Verdict = "n/a ("+b.gatewayNA+")", report.NA
	}
	return row
}

// cpuRows say where the CPU time of a request goes at c=32.
func (b *bench) cpuRows(sc scenario) []report.Row {
	d, g := sc[direct], sc[viaKey]
	rows := []report.Row{
		{Metric: "CPU per request, c=32: gateway"},
		{Metric: "CPU per request, c=32: mock + load generator"},
	}
	if d != nil {
		rows[1].Direct = formatDuration(d.cpuPerRequest(d.cpu.mock + d.cpu.loadgen))
	}
	if g == nil {
		rows[0].Gateway = "n/a (" + b.why(viaKey) + ")"
		return rows
	}
	rows[0].Gateway = formatDuration(g.cpuPerRequest(g.cpu.gateway))
	rows[1].Gateway = formatDuration(g.cpuPerRequest(g.cpu.mock + g.cpu.loadgen))
	// The relay's own CPU time is the least any proxy spends on a request
	// here: it moves the same bytes through the kernel, and nothing else.
	if r := sc[relayed]; r != nil {
		rows = append(rows, report.Row{Metric: "reference: CPU per request, c=32: TCP relay",
			Gateway: formatDuration(r.cpuPerRequest(r.cpu.relay))})
	}
	return rows
}

// plot draws the latency percentiles of the non-streaming scenarios.
func (b *bench) plot(r *results) *report.Plot {
	p := &report.Plot{Title: "Chat completion latency by percentile (non-streaming, virtual key)"}
	for _, c := range []struct {
		sc    scenario
		conc  string
		color string
	}{{r.plain1, "c=1", "#1f77b4"}, {r.plain32, "c=32", "#d62728"}} {
		for _, name := range []string{direct, viaKey} {
			s := c.sc[name]
			if s == nil {
				continue
			}
			label := "gateway, " + c.conc
			if name == direct {
				label = "direct, " + c.conc
			}
			p.Curves = append(p.Curves, report.Curve{Label: label, Color: c.color,
				Dashed: name == direct, Points: spectrum(s.res.Latency)})
		}
	}
	return p
}

func spectrum(h *loadgen.Histogram) []report.Point {
	var pts []report.Point
	for _, q := range report.SpectrumQuantiles() {
		pts = append(pts, report.Point{Q: q, Micros: float64(h.Quantile(q)) / 1e3})
	}
	return pts
}

func verdict(ok bool) report.Verdict {
	if ok {
		return report.Pass
	}
	return report.Fail
}

// formatDuration writes d with three significant digits or so, in µs
// below a millisecond.
func formatDuration(d time.Duration) string {
	if d < 0 {
		return "−" + formatDuration(-d)
	}
	us := float64(d) / 1e3
	switch {
	case us < 100:
		return fmt.Sprintf("%.1f µs", us)
	case us < 1000:
		return fmt.Sprintf("%.0f µs", us)
	case us < 1e6:
		return fmt.Sprintf("%.2f ms", us/1e3)
	}
	return fmt.Sprintf("%.2f s", us/1e6)
}

func formatRate(perSecond float64) string {
	return thousands(int64(perSecond+0.5)) + " req/s"
}

func formatShare(part, whole float64) string {
	if whole <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f %% of direct", 100*part/whole)
}

func formatBytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

func formatErrors(errs, total int64) string {
	return thousands(errs) + " of " + thousands(total)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
