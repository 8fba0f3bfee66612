package provider

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type readEvent struct{ Raw, Name, Data string }

func TestSSEReader(t *testing.T) {
	long := strings.Repeat("x", 40<<10) // longer than the reader's buffer
	tests := []struct {
		name    string
		in      string
		want    []readEvent
		wantErr error
	}{{
		name: "events, comments, names",
		in:   ": hello\n\nevent: ping\ndata: {}\n\ndata: [DONE]\n\n",
		want: []readEvent{
			{": hello\n\n", "", ""},
			{"event: ping\ndata: {}\n\n", "ping", "{}"},
			{"data: [DONE]\n\n", "", "[DONE]"},
		},
		wantErr: io.EOF,
	}, {
		name:    "crlf, multi-line data, no space after colon",
		in:      "data:a\r\ndata: b\r\nid: 7\r\n\r\n",
		want:    []readEvent{{"data:a\r\ndata: b\r\nid: 7\r\n\r\n", "", "a\nb"}},
		wantErr: io.EOF,
	}, {
		name:    "blank lines between events are dropped",
		in:      "\n\ndata: 1\n\n\n\ndata: 2\n\n",
		want:    []readEvent{{"data: 1\n\n", "", "1"}, {"data: 2\n\n", "", "2"}},
		wantErr: io.EOF,
	}, {
		name:    "long line",
		in:      "data: " + long + "\n\n",
		want:    []readEvent{{"data: " + long + "\n\n", "", long}},
		wantErr: io.EOF,
	}, {
		name:    "last blank line missing",
		in:      "data: 1\n",
		want:    []readEvent{{"data: 1\n\n", "", "1"}},
		wantErr: io.EOF,
	}, {
		name:    "cut inside a line",
		in:      "data: 1\n\ndata: {\"a",
		want:    []readEvent{{"data: 1\n\n", "", "1"}},
		wantErr: io.ErrUnexpectedEOF,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSSEReader(strings.NewReader(tt.in))
			defer r.release()
			var got []readEvent
			var err error
			for {
				var ev *event
				if ev, err = r.next(); err != nil {
					break
				}
				got = append(got, readEvent{string(ev.raw), string(ev.name), string(ev.data)})
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// eventBuffered tells whether the reader holds the next event whole, so
// that a stream can wait to flush until it has none.
func TestEventBuffered(t *testing.T) {
	for rest, want := range map[string]bool{
		"data: 2\n\n":               true,
		": keep-alive\n\n":          true,
		"\r\n\r\ndata: 2\r\n\r\n":   true,
		"\n\nevent: x\ndata: 2\n\n": true,
		"":                          false,
		"data: 2\n":                 false,
		"data: {\"a":                false,
		"\n\n\r\n":                  false, // blank lines only: next would read on
		"event: x\ndata: 2\r\n":     false,
	} {
		r := newSSEReader(strings.NewReader("data: 1\n\n" + rest))
		if _, err := r.next(); err != nil {
			t.Fatalf("%q: %v", rest, err)
		}
		if got := r.eventBuffered(); got != want {
			t.Errorf("after an event, with %q left: eventBuffered() = %v, want %v", rest, got, want)
		}
		r.release()
	}
}

func TestAppendData(t *testing.T) {
	if got := string(appendData([]byte("x"), []byte(`{"a":1}`))); got != "x"+`data: {"a":1}`+"\n\n" {
		t.Errorf("appendData = %q", got)
	}
}

func BenchmarkSSEReader(b *testing.B) {
	stream := strings.Repeat(chunk2, 64) + doneEvent
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		r := newSSEReader(strings.NewReader(stream))
		for {
			if _, err := r.next(); err != nil {
				break
			}
		}
		r.release()
	}
}
