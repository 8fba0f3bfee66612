package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"
)

// format is the value of --format: "table" for people, "json" for
// programs.
type format string

const (
	formatTable format = "table"
	formatJSON  format = "json"
)

func (f *format) String() string { return string(*f) }
func (f *format) Type() string   { return "table|json" }

// Set accepts only the known formats, so a typo is a usage error.
func (f *format) Set(s string) error {
	switch format(s) {
	case formatTable, formatJSON:
		*f = format(s)
		return nil
	}
	return fmt.Errorf("unknown format %q: want table or json", s)
}

// addFormatFlag registers --format on cmd, table by default.
func addFormatFlag(cmd *cobra.Command, f *format) {
	*f = formatTable
	cmd.Flags().Var(f, "format", "output format: table or json")
}

// printJSON writes v as indented JSON followed by a newline.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// table writes aligned columns. Cells are cleaned of control characters,
// so a name chosen by someone else can neither break the columns nor send
// escape sequences to the terminal.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, headers ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(headers...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = cell(c)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// printFields writes name-value pairs, one per line, for a single record.
func printFields(w io.Writer, pairs ...string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(tw, "%s:\t%s\n", pairs[i], cell(pairs[i+1]))
	}
	return tw.Flush()
}

// cell replaces control characters and tabs, and shows "-" for nothing.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// modelsCell shows a model list; an empty one means every model.
func modelsCell(models []string) string {
	if len(models) == 0 {
		return "all"
	}
	return strings.Join(models, ", ")
}

func money(v float64) string {
	return "$" + strconv.FormatFloat(v, 'f', -1, 64)
}

// budget shows a spend limit; none means unlimited.
func budget(p *float64) string {
	if p == nil {
		return "unlimited"
	}
	return money(*p)
}

func limit(p *int64) string {
	if p == nil {
		return "unlimited"
	}
	return strconv.FormatInt(*p, 10)
}

// when shows a time in UTC to the minute.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// expiry shows when a key expires; none means never.
func expiry(p *time.Time) string {
	if p == nil {
		return "never"
	}
	return when(*p)
}

// noResults tells the person at the terminal that a list is empty, on
// stderr, so stdout stays empty for scripts.
func noResults(w io.Writer, what string) error {
	_, err := fmt.Fprintf(w, "No %s found.\n", what)
	return err
}
