// Package report presents the results of a gateway benchmark: an aligned
// table for the terminal, a Markdown section for docs/benchmarks.md, and a
// latency plot as a self-contained SVG file.
//
// The Markdown goes between the markers StartMarker and EndMarker of an existing
// document (WriteSection), so that the rest of the document stays the
// author's.
package report

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Verdict says how a figure compares with its target.
type Verdict int

// Verdicts; None is a figure without a target.
const (
	None Verdict = iota
	Pass
	Fail
	NA // not measured, such as a scenario the gateway cannot serve yet
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "pass"
	case Fail:
		return "FAIL"
	case NA:
		return "n/a"
	}
	return ""
}

// Row is one line of the table. Figures are formatted by the caller;
// empty ones are shown as a dash.
type Row struct {
	Metric  string
	Direct  string // straight to the mock upstream
	Gateway string // through the gateway
	Added   string // what the gateway adds, or its share of direct
	Target  string
	Verdict Verdict
}

// Machine describes where the benchmark ran.
type Machine struct {
	CPU    string // model name from /proc/cpuinfo
	Cores  int
	Go     string
	Kernel string
}

// DetectMachine reads the machine's description from /proc.
func DetectMachine() Machine {
	m := Machine{CPU: "unknown CPU", Cores: runtime.NumCPU(), Go: runtime.Version(),
		Kernel: runtime.GOOS}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

func (m Machine) String() string {
	return fmt.Sprintf("%s, %d cores, %s, %s", m.CPU, m.Cores, m.Go, m.Kernel)
}

// Report is the outcome of one benchmark run.
type Report struct {
	Title   string // the section's heading; none when empty
	Date    time.Time
	Command string // how the run was started, such as "make bench"
	Machine Machine
	Setup   []string // sentences on how the figures were obtained
	Rows    []Row
	Notes   []string // what the reader should know about the figures
	// PlotFile is the plot's path relative to the Markdown document; empty
	// when there is no plot.
	PlotFile string
	PlotAlt  string
}

// WriteText writes the table for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tdirect\tgateway\tadded\ttarget\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", row.Metric, dash(row.Direct),
			dash(row.Gateway), dash(row.Added), dash(row.Target), row.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		if _, err := fmt.Fprintf(w, "note: %s\n", n); err != nil {
			return err
		}
	}
	return nil
}

// Markdown returns the section for docs/benchmarks.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	if r.Title != "" {
		fmt.Fprintf(&b, "## %s\n\n", r.Title)
	}
	fmt.Fprintf(&b, "Last run: %s, with `%s`.  \n", r.Date.UTC().Format("2006-01-02 15:04 MST"),
		r.Command)
	fmt.Fprintf(&b, "Machine: %s.\n\n", r.Machine)
	for _, s := range r.Setup {
		fmt.Fprintf(&b, "%s\n", s)
	}
	if len(r.Setup) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("| metric | direct | gateway | added | target | |\n")
	b.WriteString("|---|--:|--:|--:|---|---|\n")
	for _, row := range r.Rows {
		v := row.Verdict.String()
		if row.Verdict == Fail {
			v = "**FAIL**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(row.Metric), cell(row.Direct),
			cell(row.Gateway), cell(row.Added), cell(row.Target), v)
	}
	if r.PlotFile != "" {
		fmt.Fprintf(&b, "\n![%s](%s)\n", r.PlotAlt, r.PlotFile)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// cell escapes a table cell's pipes.
func cell(s string) string {
	return strings.ReplaceAll(dash(s), "|", `\|`)
}
