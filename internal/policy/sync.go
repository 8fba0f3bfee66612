package policy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of SyncOptions.
const (
	// DefaultSyncInterval is how often a Syncer exchanges counts with
	// Redis: often enough that replicas learn of each other's requests
	// and spend within half a second, rarely enough that a thousand
	// active owners cost Redis a few thousand commands a second per
	// replica.
	DefaultSyncInterval = 200 * time.Millisecond
	// DefaultSyncTimeout bounds one exchange. A Redis that answers slower
	// than this is treated as unreachable.
	DefaultSyncTimeout = 500 * time.Millisecond
)

const (
	// keyPrefix starts every key a Syncer writes. LiteLLM's own limiter
	// keeps different counters under "{api_key:...}:requests": these
	// keys must not meet them when both share a Redis.
	keyPrefix = "litellm-gateway:ratelimit:"
	// keyTTL keeps a minute's counts until its last second has left every
	// window, with a minute to spare for a replica whose clock is behind.
	keyTTL = 3 * windowSeconds * time.Second
	// syncBatch is how many owners one Redis transaction carries, so that
	// Redis never runs one transaction long enough to hold others up.
	syncBatch = 256
	// failureLogEvery is how often a Syncer repeats that Redis still
	// fails.
	failureLogEvery = time.Minute
	// epochKey names the data Redis holds, rate-limit counts and spend
	// alike: the first replica to find it missing sets it to a random
	// value, so a new value means that Redis lost the counts, as when it
	// restarted without persistence. It expires a day after the last
	// exchange.
	epochKey = keyPrefix + "epoch"
	epochTTL = 24 * time.Hour
)

// SyncOptions tune a Syncer. Zero values take the defaults.
type SyncOptions struct {
	Interval time.Duration // between exchanges; DefaultSyncInterval
	Timeout  time.Duration // of one exchange; DefaultSyncTimeout
	Log      *slog.Logger  // discards when nil
}

// Syncer shares the rate-limit counters and the budget spend of a Limiter
// with the other replicas of the gateway through Redis, off the request
// path: admission reads only memory, and a Syncer exchanges counts in the
// background.
//
// Each exchange, one Redis transaction per few hundred owners, adds to
// Redis what this replica counted since the last one and reads back every
// replica's total: the requests and tokens of each owner per second
// (HINCRBY on a hash per owner, counter and minute, which expires by
// itself), and the spend of each owner with a budget in its period, in
// whole millionths of a dollar (INCRBY on a key per owner and period,
// named by the period's end, which expires an hour after it). The Limiter
// then adds the other replicas' counts to its own. A replica alone is
// exact, as without Redis.
//
// With I the interval and D the duration of an exchange (at most the
// timeout; exchanges do not overlap), a replica's request reaches Redis
// within E = max(I, D) + D and every other replica within L = 2E: 0.4 s by
// default while Redis answers in a millisecond, 2 s at worst. Each replica
// counts its own requests exactly, so replicas can over-admit only the
// requests they admit in the L after an owner's limit is reached, before
// the count that reached it is known everywhere: with requests arriving at
// r per second in all, about r·L more than the limit in a minute. A
// replica that meets an owner for the first time in a minute knows the
// others' count only after its next exchange, E later. Whatever the
// timing, the replicas together never admit more than R times the limit
// (R replicas), which is also the bound while Redis is unreachable. For
// tokens, counted when a request ends, add the tokens of the requests in
// flight, as on a single replica. Seconds are the replicas' clocks, which
// must agree to well under a second.
//
// Budgets have the same bound in dollars. Spend counts when a request
// ends, and reaches every other replica within L; so past a budget, the
// replicas together can spend what the requests that end in the L after
// it is reached cost (about r·c·L at r requests per second costing c),
// plus what the requests in flight then cost: a replica holds the
// estimates of its own requests in flight against the budget, not those
// of the others. They never spend more than R budgets, which is also the
// bound while Redis is unreachable. A replica that meets an owner for the
// first time in a minute knows the others' spend after its next exchange,
// E later; until then it counts the store's spend, as loaded with the
// principal, and its own, as without Redis.
//
// The period of a budget is the store's: replicas name its spend by the
// end of the period, the budget_reset_at they loaded rolled over by whole
// durations, as the Resetter rolls it in the store. So they agree on the
// period whatever their clocks, and a new period starts from zero on all
// of them at once.
//
// When Redis fails, requests are admitted as before on this replica's own
// counts and the other replicas' counts it last knew, which expire as the
// window slides (spend, at the end of the period); what it counts
// meanwhile is pushed once Redis is back. A Redis that comes back empty
// is told apart by a random epoch key, and each replica then pushes its
// whole minute again, and its whole spend in each period. A transaction
// whose outcome is unknown (the connection broke after Redis ran it) is
// pushed again, counting those requests twice for up to a minute, and
// that spend twice in its period: the error is on the side of refusing.
type Syncer struct {
	l        *Limiter
	rdb      redis.Cmdable
	log      *slog.Logger
	interval time.Duration
	timeout  time.Duration

	mu      sync.Mutex // one exchange at a time; guards the fields below
	jobs    []syncJob
	epoch   string // epochKey's value at the last exchange
	failing bool
	logged  time.Time // when a failure was last logged

	up       atomic.Bool
	failures atomic.Int64
}

// NewSyncer returns a Syncer of the counters of l through rdb, and makes
// l keep the counts it exchanges. Call it before l admits any request.
func NewSyncer(l *Limiter, rdb redis.Cmdable, opts SyncOptions) *Syncer {
	l.shared = true
	s := &Syncer{l: l, rdb: rdb, log: opts.Log, interval: opts.Interval, timeout: opts.Timeout}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.interval <= 0 {
		s.interval = DefaultSyncInterval
	}
	if s.timeout <= 0 {
		s.timeout = DefaultSyncTimeout
	}
	return s
}

// Run exchanges counts every interval until ctx is done, then once more,
// so that the other replicas go on counting this one's last requests.
// Failures are logged, at most once a minute while they last.
func (s *Syncer) Run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		last := false
		select {
		case <-ctx.Done():
			last = true
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		s.Sync(rctx)
		cancel()
		if last {
			return
		}
	}
}

// Up reports whether the last exchange succeeded.
func (s *Syncer) Up() bool { return s.up.Load() }

// Failures returns how many exchanges have failed.
func (s *Syncer) Failures() int64 { return s.failures.Load() }

// Sync makes one exchange: it pushes what this replica counted since the
// last one and pulls every replica's counts, for every owner with a rate
// limit or a budget that this replica has counted in the last minute, and
// every owner with spend of its own still to push. It returns the first
// Redis error, which it also logs when it starts a run of failures.
func (s *Syncer) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.l.now()
	sec := now.Unix()
	s.jobs = s.l.collect(s.jobs[:0], sec)

	var err error
	for start := 0; start < len(s.jobs) && err == nil; start += syncBatch {
		batch := s.jobs[start:min(start+syncBatch, len(s.jobs))]
		var lost bool
		if lost, err = s.exchange(ctx, batch, now); err == nil {
			settle(batch, sec, lost)
		}
	}
	clear(s.jobs) // drop the owners until the next exchange
	s.report(err)
	return err
}

// syncJob is the exchange of one owner's counters.
type syncJob struct {
	kind  int
	id    string
	o     *owner
	has   [numCounters]bool   // the owner has the counter
	sent  [numCounters]window // pending when the exchange began
	pulls [numCounters][2]*redis.MapStringStringCmd
	spend spendJob
}

// collect appends to jobs the owners with shared counts or spend, with a
// copy of what they have to push.
func (l *Limiter) collect(jobs []syncJob, sec int64) []syncJob {
	for kind := range l.tables {
		for i := range l.tables[kind].shards {
			sh := &l.tables[kind].shards[i]
			sh.mu.RLock()
			for id, o := range sh.m {
				jobs = append(jobs, syncJob{kind: kind, id: id, o: o})
			}
			sh.mu.RUnlock()
		}
	}
	n := 0
	for i := range jobs {
		if jobs[i].take(sec) {
			jobs[n] = jobs[i]
			n++
		}
	}
	return jobs[:n]
}

// take copies what the owner of j has to push, and reports whether it has
// shared counts or spend at all.
func (j *syncJob) take(sec int64) bool {
	o := j.o
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dead {
		return false
	}
	if sp := o.budget.shared; sp != nil {
		j.spend = spendJob{sp: sp, sent: sp.unsent()}
	}
	if o.shared == nil {
		return j.spend.sp != nil
	}
	for c := range numCounters {
		if *o.counter(c) == nil {
			continue
		}
		j.has[c] = true
		o.shared.pending[c].advance(sec)
		j.sent[c] = o.shared.pending[c]
	}
	return true
}

// exchange pushes and pulls the counters and spend of batch in one
// transaction, so that Redis applies all of the pushes or none, and
// reports whether Redis lost its data since the last exchange.
func (s *Syncer) exchange(ctx context.Context, batch []syncJob, now time.Time) (bool, error) {
	sec := now.Unix()
	pipe := s.rdb.TxPipeline()
	pipe.SetNX(ctx, epochKey, rand.Text(), epochTTL)
	epoch := pipe.Get(ctx, epochKey)
	pipe.Expire(ctx, epochKey, epochTTL)
	first, last := (sec-windowSeconds+1)/60, sec/60 // the minutes of the window
	for i := range batch {
		j := &batch[i]
		for c := range numCounters {
			if !j.has[c] {
				continue
			}
			j.push(ctx, pipe, c)
			j.pulls[c][0] = pipe.HGetAll(ctx, j.key(c, first))
			if last != first {
				j.pulls[c][1] = pipe.HGetAll(ctx, j.key(c, last))
			}
		}
		if j.spend.sp != nil {
			j.spend.push(ctx, pipe, spendKey(j.kind, j.id, j.spend.sp.period), now)
		}
	}
	if err := execErr(pipe.Exec(ctx)); err != nil {
		return false, fmt.Errorf("exchange rate-limit counts and spend with redis: %w", err)
	}
	lost := s.epoch != "" && epoch.Val() != s.epoch
	s.epoch = epoch.Val()
	return lost, nil
}

// execErr returns the error of a transaction's commands, if any but a
// read of a missing key, which is not a failure here.
func execErr(cmds []redis.Cmder, err error) error {
	if !errors.Is(err, redis.Nil) {
		return err
	}
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// push adds to pipe the events j sends for counter c, each to the key of
// its minute, and keeps the keys it writes for keyTTL.
func (j *syncJob) push(ctx context.Context, pipe redis.Pipeliner, c int) {
	sent := &j.sent[c]
	key, minute := "", int64(-1)
	for sec := sent.head - windowSeconds + 1; sec <= sent.head; sec++ {
		n := sent.at(sec)
		if n == 0 {
			continue
		}
		if sec/60 != minute {
			if key != "" {
				pipe.Expire(ctx, key, keyTTL)
			}
			minute = sec / 60
			key = j.key(c, minute)
		}
		pipe.HIncrBy(ctx, key, strconv.FormatInt(sec, 10), n)
	}
	if key != "" {
		pipe.Expire(ctx, key, keyTTL)
	}
}

// key returns the Redis key of counter c of j's owner at minute m (unix
// seconds / 60). The braces make the owner's keys one hash slot.
func (j *syncJob) key(c int, m int64) string {
	return keyPrefix + "{" + budgetKinds[j.kind] + ":" + j.id + "}:" + counterNames[c] +
		":" + strconv.FormatInt(m, 10)
}

// settle takes the counts and spend pulled for batch into its owners;
// lost says that Redis lost its data since the last exchange.
func settle(batch []syncJob, sec int64, lost bool) {
	for i := range batch {
		j := &batch[i]
		var all [numCounters]window
		for c := range numCounters {
			if j.has[c] {
				all[c] = pulled(j.pulls[c], sec)
			}
		}
		var spent int64
		if j.spend.sp != nil {
			spent = j.spend.all()
		}
		o := j.o
		o.mu.Lock()
		if !o.dead && o.shared != nil {
			for c := range numCounters {
				if own := *o.counter(c); j.has[c] && own != nil {
					o.shared.settle(c, own, &j.sent[c], &all[c], lost)
				}
			}
		}
		// A budget that started a period since has a sharedSpend of its
		// own: what was pushed is the last period's.
		if sp := j.spend.sp; sp != nil && !o.dead && o.budget.shared == sp {
			sp.settle(j.spend.sent, spent, lost)
		}
		o.mu.Unlock()
	}
}

// pulled returns the counts of the hashes read by pulls, in a window that
// ends at sec. Fields that are not counts of a second of that window are
// skipped: seconds of a replica whose clock is ahead count once this
// one's clock gets there.
func pulled(pulls [2]*redis.MapStringStringCmd, sec int64) window {
	w := window{head: sec}
	for _, cmd := range pulls {
		if cmd == nil {
			continue
		}
		for field, value := range cmd.Val() {
			at, err1 := strconv.ParseInt(field, 10, 64)
			n, err2 := strconv.ParseInt(value, 10, 64)
			if err1 != nil || err2 != nil || n <= 0 || at > sec || at <= sec-windowSeconds {
				continue
			}
			w.buckets[slot(at)] += uint32(n)
			w.total += n
		}
	}
	return w
}

// report logs the outcome of an exchange: the first failure, then one a
// minute while they last, and the recovery.
func (s *Syncer) report(err error) {
	s.up.Store(err == nil)
	if err == nil {
		if s.failing {
			s.failing = false
			s.log.Info("redis reachable again: rate limits and budgets are shared " +
				"with the other replicas")
		}
		return
	}
	s.failures.Add(1)
	now := time.Now()
	if s.failing && now.Sub(s.logged) < failureLogEvery {
		return
	}
	s.failing, s.logged = true, now
	s.log.Warn("redis unreachable: rate limits and budgets are enforced on this "+
		"replica's counts and the other replicas' it last knew", "err", err)
}
