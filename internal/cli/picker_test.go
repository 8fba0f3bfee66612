package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []pickerKey
	}{
		{"\x1b[A\x1b[B", []pickerKey{keyUp, keyDown}},
		{"\x1bOA\x1bOB", []pickerKey{keyUp, keyDown}},
		{"kj\r\n", []pickerKey{keyUp, keyDown, keyEnter, keyEnter}},
		{"\x1b", []pickerKey{keyCancel}},
		{"q\x03", []pickerKey{keyCancel, keyInterrupt}},
		{"19x", []pickerKey{keyDigit, keyDigit + 8}},
		{"\x1b[C", nil}, // right arrow: ignored
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseKeys([]byte(tt.in))); diff != "" {
			t.Errorf("parseKeys(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// keystrokes is a terminal that delivers one key sequence per read.
type keystrokes []string

func (k *keystrokes) Read(p []byte) (int, error) {
	if len(*k) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*k)[0])
	*k = (*k)[1:]
	return n, nil
}

func TestPickTeam(t *testing.T) {
	labels := []string{"ml (t1)", "research (t2)", "ops (t3)"}
	tests := []struct {
		name    string
		keys    keystrokes
		want    int
		wantErr error
	}{
		{"enter takes the first", keystrokes{"\r"}, 0, nil},
		{"down twice", keystrokes{"\x1b[B", "\x1b[B", "\r"}, 2, nil},
		{"up wraps around", keystrokes{"\x1b[A", "\r"}, 2, nil},
		{"a digit", keystrokes{"2", "\r"}, 1, nil},
		{"a digit too large is ignored", keystrokes{"9\r"}, 0, nil},
		{"escape cancels", keystrokes{"\x1b"}, 0, errLoginCanceled},
		{"ctrl-c cancels", keystrokes{"\x03"}, 0, errLoginCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			got, err := pickTeam(t.Context(), &tt.keys, &out, labels)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("pickTeam = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
			if !strings.Contains(out.String(), "> \x1b[1m") || !strings.HasSuffix(out.String(),
				"\x1b[4A\r\x1b[J") {
				t.Errorf("the picker did not draw and then clear itself: %q", out.String())
			}
		})
	}
}

func TestPickTeamEnds(t *testing.T) {
	labels := []string{"a", "b"}
	var out bytes.Buffer
	if _, err := pickTeam(t.Context(), &keystrokes{}, &out, labels); !isUsage(err) {
		t.Errorf("closed input: err = %v, want a usage error", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	block, _ := io.Pipe() // never written: the picker must leave on ctx alone
	defer block.Close()
	if _, err := pickTeam(ctx, block, &out, labels); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: err = %v, want context.Canceled", err)
	}
}

func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue)
}

func TestAskTeamGivesUpOnCancel(t *testing.T) {
	block, _ := io.Pipe()
	defer block.Close()
	var stderr bytes.Buffer
	m := newMachine(t)
	a := m.app("", &bytes.Buffer{}, &stderr)
	a.stdin = block
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := a.askTeam(ctx, []string{"a", "b"}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
