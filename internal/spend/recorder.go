// Package spend prices requests, records what they cost without slowing
// them down, and reports the records.
//
// Cost prices a request from its deployment's model_info or a built-in
// list. A Recorder takes the spend record of each request off the request
// path and writes records to the store in batches. Handler serves the
// records.
//
// Routes:
//
//	GET /spend/logs   spend records, filtered and paged
package spend

import (
	"context"
	"fmt"
	"log/slog"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// Writer is the part of the store a Recorder writes to.
type Writer interface {
	AddSpend(ctx context.Context, records []store.SpendRecord) error
}

// Options tune a Recorder. Zero fields take the defaults given.
type Options struct {
	// Buffer is how many records requests may queue; 16384 by default.
	// Records beyond it are dropped and counted, never waited for. As many
	// are held back while the store fails. Memory goes only to records
	// queued: a quarter of a kilobyte each.
	Buffer int
	// BatchSize is the most records written at once; 500 by default.
	// Records are written as soon as BatchSize of them wait. Besides its
	// records, each batch costs the store a commit and statements of its
	// own, on SQLite about as much as a hundred records: a batch of 500
	// spreads that thin, while a larger one saves little more and keeps
	// the store's other writers waiting longer.
	BatchSize int
	// Interval bounds how long a record waits to be written otherwise; 1s
	// by default.
	Interval time.Duration
	// Attempts is how often a batch is tried before it is held back for
	// the next write; 4 by default. Backoff, 100ms by default, doubles
	// between attempts.
	Attempts int
	Backoff  time.Duration
	// Timeout bounds each write; 10s by default.
	Timeout time.Duration
	// DisableLogs keeps records out of the spend log: their cost still
	// adds to their owners' spend (general_settings.disable_spend_logs).
	// DisableErrorLogs does so for records of failed requests, status
	// 400 and up (disable_error_logs).
	DisableLogs, DisableErrorLogs bool
}

func (o Options) withDefaults() Options {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&o.Buffer, 16384)
	set(&o.BatchSize, 500)
	set(&o.Attempts, 4)
	setDur(&o.Interval, time.Second)
	setDur(&o.Backoff, 100*time.Millisecond)
	setDur(&o.Timeout, 10*time.Second)
	return o
}

// Recorder writes spend records to the store in the background. Record
// never blocks; Close writes what is left. Its writer wakes up once a
// second or once a batch is waiting, not for every record, so recording
// costs a request an append under a lock. Requests append to one slice
// while the writer writes the other, and the two swap when the writer
// takes the records.
//
// A batch that still fails after its attempts is logged and kept, to be
// written with the next batch, so that a store outage of a few minutes
// loses nothing. Up to Buffer records are kept so; beyond that the oldest
// are dropped, counted and logged. A record already stored (a write that
// succeeded although it reported an error, then was retried) is skipped.
type Recorder struct {
	w    Writer
	log  *slog.Logger
	opts Options

	mu      sync.Mutex
	queue   []store.SpendRecord // records requests appended; under mu
	closed  bool                // under mu
	kick    chan struct{}       // a batch is waiting
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
	closing context.Context // Close's context, set before stop is closed
	dropped atomic.Int64
	lost    error // what the last flush left unwritten; read after stopped
}

// NewRecorder starts a Recorder that writes to w.
func NewRecorder(w Writer, log *slog.Logger, opts Options) *Recorder {
	opts = opts.withDefaults()
	r := &Recorder{
		w:       w,
		log:     log,
		opts:    opts,
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go r.run()
	return r
}

// Record queues rec to be written. It never blocks: when the buffer is
// full, or the Recorder closed, rec is dropped, counted in Dropped and
// logged. A record the options keep out of the spend log is queued
// unlogged, or not at all when it cost nothing.
func (r *Recorder) Record(rec store.SpendRecord) {
	if r.opts.DisableLogs || (r.opts.DisableErrorLogs && rec.Status >= 400) {
		if rec.Cost == 0 {
			return // nothing to log, nothing to count
		}
		rec.Unlogged = true
	}
	r.mu.Lock()
	if r.closed || len(r.queue) >= r.opts.Buffer {
		r.mu.Unlock()
		r.drop(1, "the recorder is full or closed")
		return
	}
	r.queue = append(r.queue, rec)
	n := len(r.queue)
	r.mu.Unlock()
	if n >= r.opts.BatchSize {
		select {
		case r.kick <- struct{}{}:
		default: // already kicked
		}
	}
}

// Dropped returns how many records were dropped, by Record or after the
// store failed for too long.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Close stops taking records and writes every record taken, retrying
// failed writes until ctx ends. It reports the records left unwritten.
func (r *Recorder) Close(ctx context.Context) error {
	r.once.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.closing = ctx
		close(r.stop)
	})
	select {
	case <-r.stopped:
		return r.lost
	case <-ctx.Done():
		return fmt.Errorf("close spend recorder: %w", ctx.Err())
	}
}

// drop counts n dropped records and logs it, with a log line for the
// 1st, 2nd, 4th, 8th... drop so that a flood of them does not flood the
// log too.
func (r *Recorder) drop(n int, why string) {
	total := r.dropped.Add(int64(n))
	before := total - int64(n)
	if bits.Len64(uint64(before)) != bits.Len64(uint64(total)) {
		r.log.Error("spend records dropped: "+why, "records", n, "dropped", total)
	}
}
