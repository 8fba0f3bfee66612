package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/litellm-go/gateway/internal/apitype"
)

// maxPickerTeams is the longest list the arrow-key picker shows; a
// longer one is numbered, so that no redraw has to scroll.
const maxPickerTeams = 15

// selectTeam returns the ID of the team to log in to: the one --team
// names, by ID or alias, else the user's choice.
func (a *app) selectTeam(ctx context.Context, flag string,
	teams []apitype.CLILoginTeam) (string, error) {
	labels := make([]string, len(teams))
	for i, t := range teams {
		labels[i] = teamLabel(t)
	}
	if flag != "" {
		for _, t := range teams {
			if t.TeamID == flag {
				return t.TeamID, nil
			}
		}
		for _, t := range teams {
			if t.TeamAlias != nil && strings.EqualFold(*t.TeamAlias, flag) {
				return t.TeamID, nil
			}
		}
		return "", usageErrorf("--team %s is not one of your teams: %s",
			cell(flag), strings.Join(labels, ", "))
	}
	if len(teams) == 0 {
		return "", pollError(fmt.Errorf("asked for a team but offered none"))
	}

	i, err := a.chooseTeam(ctx, labels)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(a.stderr, "Team: %s\n", labels[i])
	return teams[i].TeamID, nil
}

// teamLabel shows a team as "alias (id)", or its ID alone.
func teamLabel(t apitype.CLILoginTeam) string {
	if t.TeamAlias == nil || *t.TeamAlias == "" {
		return cell(t.TeamID)
	}
	return cell(*t.TeamAlias) + " (" + cell(t.TeamID) + ")"
}

// chooseTeam asks which of labels to use: with the arrow keys when stdin
// and stderr are a terminal, else by number on stdin.
func (a *app) chooseTeam(ctx context.Context, labels []string) (int, error) {
	f, ok := a.stdin.(*os.File)
	if ok && a.isTerminal(f) && a.isTerminal(a.stderr) && len(labels) <= maxPickerTeams {
		if old, err := term.MakeRaw(int(f.Fd())); err == nil {
			defer term.Restore(int(f.Fd()), old)
			return pickTeam(ctx, f, a.stderr, labels)
		}
	}
	return a.askTeam(ctx, labels)
}

// askTeam lists labels with numbers and reads the choice from stdin.
func (a *app) askTeam(ctx context.Context, labels []string) (int, error) {
	fmt.Fprintln(a.stderr, "Choose the team for this login:")
	for i, l := range labels {
		fmt.Fprintf(a.stderr, "  %d) %s\n", i+1, l)
	}
	in := bufio.NewReader(a.stdin)
	for range 3 {
		fmt.Fprintf(a.stderr, "Team [1-%d]: ", len(labels))
		line, err := readLine(ctx, in)
		if err != nil {
			fmt.Fprintln(a.stderr)
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			return 0, usageErrorf("no team chosen (%v); pass --team with one of: %s",
				err, strings.Join(labels, ", "))
		}
		n, err := strconv.Atoi(strings.TrimSpace(line))
		if err == nil && n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		fmt.Fprintf(a.stderr, "Type a number from 1 to %d.\n", len(labels))
	}
	return 0, usageErrorf("no team chosen; pass --team with one of: %s",
		strings.Join(labels, ", "))
}

// readLine reads one line, giving up when ctx ends. A read cannot be
// interrupted, so the reading goroutine outlives a canceled call, until
// the process exits.
func readLine(ctx context.Context, r *bufio.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := r.ReadString('\n')
		if err == io.EOF && line != "" {
			err = nil
		}
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// A key the picker understands.
type pickerKey int

const (
	keyUp pickerKey = iota + 1
	keyDown
	keyEnter
	keyCancel    // Esc or q
	keyInterrupt // Ctrl-C, which raw mode delivers as a byte, not a signal
	keyDigit     // 1 to 9; keyDigit+n-1 is n
)

// pickTeam shows labels on out with a cursor that the arrow keys (or j
// and k, or a digit) move, reading in, which is a terminal in raw mode.
// Enter chooses; Esc, q and Ctrl-C cancel the login.
func pickTeam(ctx context.Context, in io.Reader, out io.Writer, labels []string) (int, error) {
	done := make(chan struct{})
	defer close(done)
	keys := readKeys(in, done)

	fmt.Fprint(out, "Choose the team for this login (arrow keys and Enter; Esc cancels):\r\n")
	sel := 0
	drawPicker(out, labels, sel, false)
	finish := func() { fmt.Fprintf(out, "\x1b[%dA\r\x1b[J", len(labels)+1) }
	for {
		var chunk []byte
		select {
		case <-ctx.Done():
			finish()
			return 0, ctx.Err()
		case chunk = <-keys:
		}
		if chunk == nil {
			finish()
			return 0, usageErrorf("no team chosen: the terminal closed; pass --team")
		}
		for _, k := range parseKeys(chunk) {
			switch {
			case k == keyUp:
				sel = (sel + len(labels) - 1) % len(labels)
			case k == keyDown:
				sel = (sel + 1) % len(labels)
			case k >= keyDigit && int(k-keyDigit) < len(labels):
				sel = int(k - keyDigit)
			case k == keyEnter:
				finish()
				return sel, nil
			case k == keyCancel || k == keyInterrupt:
				finish()
				return 0, errLoginCanceled
			}
		}
		drawPicker(out, labels, sel, true)
	}
}

// readKeys sends what each read of in returns, and nil once in fails,
// until done is closed.
func readKeys(in io.Reader, done <-chan struct{}) <-chan []byte {
	keys := make(chan []byte)
	go func() {
		buf := make([]byte, 64)
		for {
			n, err := in.Read(buf)
			var chunk []byte
			if n > 0 {
				chunk = append([]byte(nil), buf[:n]...)
			} else if err == nil {
				continue
			}
			select {
			case keys <- chunk:
			case <-done:
				return
			}
			if chunk == nil {
				return
			}
		}
	}()
	return keys
}

// drawPicker writes the list, over the previous one when redraw is set.
// Raw mode does not turn \n into \r\n, so lines end with both.
func drawPicker(out io.Writer, labels []string, sel int, redraw bool) {
	var b strings.Builder
	if redraw {
		fmt.Fprintf(&b, "\x1b[%dA", len(labels))
	}
	for i, l := range labels {
		mark := "  "
		if i == sel {
			mark = "> "
			l = "\x1b[1m" + l + "\x1b[0m"
		}
		b.WriteString("\r\x1b[2K" + mark + l + "\r\n")
	}
	io.WriteString(out, b.String())
}

// parseKeys decodes the bytes of one read: arrow keys come as
// ESC [ A or, in application cursor mode, ESC O A (ECMA-48).
func parseKeys(b []byte) []pickerKey {
	var keys []pickerKey
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == 0x1b && i+2 < len(b) && (b[i+1] == '[' || b[i+1] == 'O'):
			switch b[i+2] {
			case 'A':
				keys = append(keys, keyUp)
			case 'B':
				keys = append(keys, keyDown)
			}
			i += 2
		case c == 0x1b || c == 'q':
			keys = append(keys, keyCancel)
		case c == 0x03:
			keys = append(keys, keyInterrupt)
		case c == '\r' || c == '\n':
			keys = append(keys, keyEnter)
		case c == 'k':
			keys = append(keys, keyUp)
		case c == 'j':
			keys = append(keys, keyDown)
		case c >= '1' && c <= '9':
			keys = append(keys, keyDigit+pickerKey(c-'1'))
		}
	}
	return keys
}
