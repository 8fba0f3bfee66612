package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReplaceSection(t *testing.T) {
	const section = "| a | b |\n"
	block := StartMarker + "\n" + section + EndMarker
	tests := []struct {
		name, doc, want string
	}{
		{"empty document", "", block + "\n"},
		{"no markers", "# Benchmarks\n\nIntro.", "# Benchmarks\n\nIntro.\n\n" + block + "\n"},
		{"empty section", "# B\n" + StartMarker + EndMarker + "\nafter\n", "# B\n" + block + "\nafter\n"},
		{"old section", "# B\n\nbefore\n" + StartMarker + "\nold\nlines\n" + EndMarker + "\n\nafter\n",
			"# B\n\nbefore\n" + block + "\n\nafter\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReplaceSection(tt.doc, section)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			again, err := ReplaceSection(got, strings.TrimSuffix(section, "\n"))
			if err != nil || again != got {
				t.Errorf("second replacement changed the document:\n%s", again)
			}
		})
	}
}

func TestReplaceSectionBadMarkers(t *testing.T) {
	for _, doc := range []string{
		EndMarker + "\n",
		StartMarker + "\n",
		EndMarker + StartMarker,
		StartMarker + EndMarker + StartMarker + EndMarker,
	} {
		if got, err := ReplaceSection(doc, "x"); err == nil {
			t.Errorf("ReplaceSection(%q) = %q, want an error", doc, got)
		}
	}
}

func TestWriteSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs", "benchmarks.md")
	if err := WriteSection(path, "first\n"); err != nil {
		t.Fatal(err)
	}
	created, _ := os.ReadFile(path)
	want := "# Benchmarks\n\n" + StartMarker + "\nfirst\n" + EndMarker + "\n"
	if string(created) != want {
		t.Fatalf("created %q, want %q", created, want)
	}

	lead := "# Benchmarks\n\nWritten by hand.\n\n" + StartMarker + "\nfirst\n" + EndMarker +
		"\n\n## History\n\nAlso by hand.\n"
	os.WriteFile(path, []byte(lead), 0o644)
	for range 2 {
		if err := WriteSection(path, "second\n"); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	if diff := cmp.Diff(strings.Replace(lead, "first", "second", 1), string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary file left)", len(entries))
	}
}

func TestMarkdownAndText(t *testing.T) {
	r := &Report{
		Title: "Through the gateway",
		Date:  time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Command: "make bench",
		Machine: Machine{CPU: "Test CPU", Cores: 2, Go: "go1.26.8", Kernel: "Linux 6"},
		Setup:   []string{"Mock upstream in its own process."},
		Rows: []Row{
			{Metric: "p50 | c=1", Direct: "40 µs", Gateway: "90 µs", Added: "50 µs", Target: "≤ 100 µs", Verdict: Pass},
			{Metric: "p99", Target: "≤ 400 µs", Verdict: Fail},
			{Metric: "session", Gateway: "n/a (login not available)", Verdict: NA},
		},
		Notes:    []string{"Added is gateway minus direct."},
		PlotFile: "bench-latency.svg", PlotAlt: "latency",
	}
	md := r.Markdown()
	if !strings.HasPrefix(md, "## Through the gateway\n\nLast run: ") {
		t.Errorf("Markdown does not start with the heading:\n%s", md)
	}
	for _, want := range []string{
		"Last run: 2026-03-01 12:00 UTC, with `make bench`.",
		"Machine: Test CPU, 2 cores, go1.26.8, Linux 6.",
		`| p50 \| c=1 | 40 µs | 90 µs | 50 µs | ≤ 100 µs | pass |`,
		"| p99 | – | – | – | ≤ 400 µs | **FAIL** |",
		"![latency](bench-latency.svg)",
		"- Added is gateway minus direct.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "FAIL") || !strings.Contains(text.String(), "note: Added") {
		t.Errorf("text table:\n%s", text.String())
	}
}

func TestPlotSVG(t *testing.T) {
	var pts []Point
	for _, q := range SpectrumQuantiles() {
		pts = append(pts, Point{Q: q, Micros: 40 + 1000*q*q})
	}
	p := &Plot{Title: "Latency <c=1>", Curves: []Curve{
		{Label: "direct", Color: "#1f77b4", Dashed: true, Points: pts},
		{Label: "gateway & key", Color: "#d62728", Points: pts},
	}}
	svg := p.SVG()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	polylines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "polyline" {
			polylines++
		}
		// encoding/xml passes repeated attributes on; SVG renderers refuse them.
		seen := map[string]bool{}
		for _, a := range se.Attr {
			if seen[a.Name.Local] {
				t.Errorf("<%s> repeats attribute %s", se.Name.Local, a.Name.Local)
			}
			seen[a.Name.Local] = true
		}
	}
	if polylines != 2 {
		t.Errorf("%d polylines, want 2", polylines)
	}
	if qs := SpectrumQuantiles(); qs[0] != 0 || qs[len(qs)-1] < 0.9989 || qs[len(qs)-1] > 0.999 {
		t.Errorf("quantiles run from %v to %v, want 0 to 0.999", qs[0], qs[len(qs)-1])
	}
}

func TestYTicks(t *testing.T) {
	got := yTicks(10, 1000)
	want := []float64{10, 20, 50, 100, 200, 500, 1000}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
