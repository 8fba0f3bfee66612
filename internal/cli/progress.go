package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// spinnerFrames animate the wait on a terminal.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

const (
	spinnerEvery = 100 * time.Millisecond
	// plainEvery spaces the "still waiting" lines when stderr is not a
	// terminal, where a line cannot be redrawn.
	plainEvery = time.Minute
)

// progress shows on stderr that login is waiting for the browser, and how
// long it will still wait. On a terminal a spinner redraws one line; else
// a line is written at the start and then once a minute.
type progress struct {
	w        io.Writer
	now      func() time.Time
	deadline time.Time
	live     bool

	mu       sync.Mutex // serializes writes to w
	stopSpin chan struct{}
	spinDone chan struct{}
	lastLine time.Time
}

func (a *app) newProgress(deadline time.Time) *progress {
	return &progress{w: a.stderr, now: a.now, deadline: deadline, live: a.isTerminal(a.stderr)}
}

func (p *progress) start() {
	if !p.live {
		p.lastLine = p.now()
		fmt.Fprintf(p.w, "Waiting for you to finish in the browser (%s left)...\n", p.left())
		return
	}
	p.resume()
}

// tick is called after each poll.
func (p *progress) tick() {
	if !p.live && p.now().Sub(p.lastLine) >= plainEvery {
		p.lastLine = p.now()
		fmt.Fprintf(p.w, "Still waiting (%s left)...\n", p.left())
	}
}

// note prints msg on a line of its own.
func (p *progress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
	fmt.Fprintln(p.w, msg)
}

// pause stops the spinner and clears its line, so a prompt can use the
// terminal; resume starts it again.
func (p *progress) pause() {
	if p.stopSpin == nil {
		return
	}
	close(p.stopSpin)
	<-p.spinDone
	p.stopSpin = nil
	fmt.Fprint(p.w, "\r\x1b[2K")
}

func (p *progress) resume() {
	if !p.live || p.stopSpin != nil {
		return
	}
	p.stopSpin, p.spinDone = make(chan struct{}), make(chan struct{})
	go p.spin(p.stopSpin, p.spinDone)
}

func (p *progress) stop() { p.pause() }

func (p *progress) spin(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(spinnerEvery)
	defer t.Stop()
	for i := 0; ; i++ {
		p.mu.Lock()
		fmt.Fprintf(p.w, "\r\x1b[2K%s Waiting for you to finish in the browser... "+
			"%s left (Ctrl-C to cancel)", spinnerFrames[i%len(spinnerFrames)], p.left())
		p.mu.Unlock()
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// left shows the time to the deadline, to the second.
func (p *progress) left() string {
	d := max(p.deadline.Sub(p.now()), 0).Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dm %02ds", d/time.Minute, d%time.Minute/time.Second)
}
