package spend

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// run is the Recorder's loop: it takes the records waiting and writes
// them when a batch is waiting or Interval has passed, until Close.
func (r *Recorder) run() {
	defer close(r.stopped)
	tick := time.NewTicker(r.opts.Interval)
	defer tick.Stop()
	ctx := context.Background()
	var pending []store.SpendRecord
	failing := false // the last write failed: retry on the tick only
	for {
		kicked := false
		select {
		case <-tick.C:
		case <-r.kick:
			kicked = true
		case <-r.stop:
			r.finish(r.take(pending))
			return
		}
		pending = r.take(pending)
		if !kicked || !failing {
			pending, failing = r.flush(ctx, pending)
		}
	}
}

// take adds the records requests queued to pending: when pending is
// empty, the two slices swap, and requests append to pending's array
// next. Beyond Buffer records, which only a failing store lets pile up,
// the oldest are dropped.
func (r *Recorder) take(pending []store.SpendRecord) []store.SpendRecord {
	r.mu.Lock()
	if len(pending) == 0 {
		pending, r.queue = r.queue, r.shrink(pending)
	} else {
		pending = append(pending, r.queue...)
		r.queue = r.shrink(r.queue)
	}
	r.mu.Unlock()
	if over := len(pending) - r.opts.Buffer; over > 0 {
		r.drop(over, "the store failed for too long")
		pending = pending[over:]
	}
	return pending
}

// shrink empties a queue for reuse, or lets it go when a backlog made it
// grow past a quarter of Buffer, so that an outage does not hold on to
// its memory.
func (r *Recorder) shrink(q []store.SpendRecord) []store.SpendRecord {
	if cap(q) > r.opts.Buffer/4 {
		return nil
	}
	return q[:0]
}

// finish writes pending, trying until Close's context ends.
func (r *Recorder) finish(pending []store.SpendRecord) {
	ctx := r.closing
	for len(pending) > 0 && ctx.Err() == nil {
		pending, _ = r.flush(ctx, pending)
	}
	if n := len(pending); n > 0 {
		r.lost = fmt.Errorf("close spend recorder: %d records not written: %w", n, ctx.Err())
		r.drop(n, "the store failed until shutdown")
	}
}

// flush writes pending in batches and returns what is left: nothing, or
// the batch that failed and those after it. failed reports a failure.
func (r *Recorder) flush(ctx context.Context, pending []store.SpendRecord) (
	left []store.SpendRecord, failed bool) {
	all := pending
	for len(pending) > 0 {
		n := min(len(pending), r.opts.BatchSize)
		if err := r.write(ctx, pending[:n]); err != nil {
			r.log.ErrorContext(ctx, "write spend records; keeping them for the next write",
				"records", len(pending), "err", err)
			return pending, true
		}
		pending = pending[n:]
	}
	return all[:0], false // the next records reuse the array
}

// write writes batch, trying Attempts times with a doubling backoff.
func (r *Recorder) write(ctx context.Context, batch []store.SpendRecord) error {
	var err error
	for attempt := range r.opts.Attempts {
		if attempt > 0 {
			t := time.NewTimer(r.opts.Backoff << (attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(err, ctx.Err())
			case <-t.C:
			}
		}
		if err = r.add(ctx, batch); err == nil {
			return nil
		}
		r.log.WarnContext(ctx, "write spend records", "records", len(batch),
			"attempt", attempt+1, "err", err)
	}
	return err
}

// add writes batch in one call. When some of its records are already
// stored (store.ErrExists), which a retried write that had in fact
// succeeded causes, it writes the halves apart, down to single records,
// and skips those.
func (r *Recorder) add(ctx context.Context, batch []store.SpendRecord) error {
	wctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	err := r.w.AddSpend(wctx, batch)
	cancel()
	if !errors.Is(err, store.ErrExists) {
		return err
	}
	if len(batch) == 1 {
		r.log.WarnContext(ctx, "spend record already stored", "request_id", batch[0].RequestID)
		return nil
	}
	mid := len(batch) / 2
	if err := r.add(ctx, batch[:mid]); err != nil {
		return err
	}
	return r.add(ctx, batch[mid:])
}
