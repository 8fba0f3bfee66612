// Package policy admits or refuses each call through the gateway by the
// rate limits and budgets of its key, user and team, and accounts for what
// the call used once it is over. Everything is in memory: the hot path
// reads no database.
//
// A Limiter keeps, per owner (a key hash, user id or team id), the
// requests and tokens of the last minute and the spend of the current
// budget period. Limiter.Admit checks them and reserves the request;
// Ticket.Done settles it. A Resetter resets the budgets that are due in
// the store and in the Limiter.
//
// Counters live in the process, so that admission never waits on the
// network. Replicas of the gateway share their rate-limit counters and
// their spend through Redis when a Syncer runs: each replica pushes what
// it counted and pulls what the others counted a few times a second, and
// admission adds the others' counts to its own (see Syncer for the bound
// this puts on over-admission). Without a Syncer, each replica enforces
// the full limits on its own share of the traffic, and sees the other
// replicas' spend only as the store held it when a principal was loaded.
package policy

import (
	"cmp"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/store"
)

// Owner kinds, in the order their locks are taken.
const (
	kindKey = iota
	kindUser
	kindTeam
	numKinds
)

// budgetKinds are the kinds as the store names them; kindNames are the
// names budget messages give them, as LiteLLM's do.
var (
	budgetKinds = [numKinds]string{store.BudgetKey, store.BudgetUser, store.BudgetTeam}
	kindNames   = [numKinds]string{"Key", "User", "Team"}
)

// Limiter enforces rate limits and budgets. It is safe for concurrent use:
// each owner has a lock of its own, and owners are spread over 32 maps per
// kind, so requests of different owners rarely wait on each other.
type Limiter struct {
	now    func() time.Time
	seed   maphash.Seed
	tables [numKinds]table
	// shared is set, before the first admission, by NewSyncer: owners then
	// keep the counts and spend exchanged with the other replicas.
	shared bool
}

// NewLimiter returns a Limiter that reads the time from now (time.Now when
// nil) to date the tokens and spend settled by Ticket.Done.
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{now: now, seed: maphash.MakeSeed()}
	for i := range l.tables {
		for j := range l.tables[i].shards {
			l.tables[i].shards[j].m = make(map[string]*owner)
		}
	}
	return l
}

// numShards spreads owners over locks so that lookups of different owners
// rarely meet.
const numShards = 32

type table struct {
	shards [numShards]shard
}

type shard struct {
	mu sync.RWMutex
	m  map[string]*owner
}

func (l *Limiter) shard(kind int, id string) *shard {
	return &l.tables[kind].shards[maphash.String(l.seed, id)%numShards]
}

// find returns the owner of kind and id, or nil.
func (l *Limiter) find(kind int, id string) *owner {
	sh := l.shard(kind, id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	return sh.m[id]
}

// owner is the state of one key, user or team.
type owner struct {
	mu       sync.Mutex
	dead     bool  // evicted: look the owner up again
	inflight int   // admitted requests not yet settled
	last     int64 // unix second of the last admission or settlement
	requests *window
	tokens   *window
	shared   *sharedCounts // nil unless the Limiter is shared and o rate-limited
	budget   budget
}

// subject is one owner that limits a request, with the limits it had in
// the principal's snapshot.
type subject struct {
	kind   int
	id     string
	name   string // how messages name the owner
	lim    *store.Limits
	o      *owner
	remReq int64 // requests left in the window after this one
	remTok int64 // tokens left in the window at admission
}

// subjects lists the key, user and team of p that have a limit, in lock
// order.
func subjects(p *auth.Principal, out *[numKinds]subject) int {
	n := 0
	if k := p.Key; k != nil && limited(&k.Limits) {
		out[n] = subject{kind: kindKey, id: k.Hash, name: cmp.Or(k.Name, k.Alias, k.Hash),
			lim: &k.Limits}
		n++
	}
	if u := p.User; u != nil && limited(&u.Limits) {
		out[n] = subject{kind: kindUser, id: u.ID, name: u.ID, lim: &u.Limits}
		n++
	}
	if t := p.Team; t != nil && limited(&t.Limits) {
		out[n] = subject{kind: kindTeam, id: t.ID, name: cmp.Or(t.Alias, t.ID), lim: &t.Limits}
		n++
	}
	return n
}

func limited(l *store.Limits) bool {
	return l.MaxBudget != nil || l.RPMLimit != nil || l.TPMLimit != nil
}

// lookup returns the owner of kind and id, creating it when missing.
func (l *Limiter) lookup(kind int, id string) *owner {
	if o := l.find(kind, id); o != nil {
		return o
	}
	sh := l.shard(kind, id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	o := sh.m[id]
	if o == nil {
		o = &owner{}
		sh.m[id] = o
	}
	return o
}

// lock looks up and locks the owners of subs, in kind order so that two
// admissions never wait on each other in a cycle. An owner evicted between
// lookup and lock is looked up again.
func (l *Limiter) lock(subs []subject) {
	for {
		for i := range subs {
			subs[i].o = l.lookup(subs[i].kind, subs[i].id)
		}
		alive := true
		for i := range subs {
			subs[i].o.mu.Lock()
			alive = alive && !subs[i].o.dead
		}
		if alive {
			return
		}
		unlock(subs)
	}
}

func unlock(subs []subject) {
	for i := range subs {
		subs[i].o.mu.Unlock()
	}
}

// Reset starts the budget period of the owner of ref that ends at next,
// with no spend, unless the Limiter has started it already: the Limiter
// rolls periods over on the same schedule as the Resetter, and the spend
// of a period it started is not to be lost. Call it once the store's
// ResetBudget has succeeded.
func (l *Limiter) Reset(ref store.BudgetRef, next time.Time) {
	kind := slices.Index(budgetKinds[:], ref.Kind)
	if kind < 0 {
		return
	}
	o := l.find(kind, ref.ID)
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := &o.budget; b.period.Before(next) {
		b.spent = 0
		b.period = next
		if b.shared != nil {
			b.restartShared()
		}
	}
}

// Evict forgets what the Limiter holds for owners idle for a minute, and
// returns how many it forgot entirely. Their windows are empty by then;
// an owner whose budget has spend in the period is kept, reduced to that
// spend, because its principal's snapshot may be older than the spend.
// The spend exchanged with the other replicas is forgotten too, once this
// replica's has been pushed: Redis keeps it, and the first exchange after
// the owner's next request reads it again. Memory and exchanges are thus
// bounded by the owners active in the last minute plus the owners with a
// budget and spend in the period.
func (l *Limiter) Evict(now time.Time) int {
	sec := now.Unix()
	n := 0
	for kind := range l.tables {
		for i := range l.tables[kind].shards {
			sh := &l.tables[kind].shards[i]
			sh.mu.Lock()
			for id, o := range sh.m {
				if evictable(o, sec) {
					delete(sh.m, id)
					n++
				}
			}
			sh.mu.Unlock()
		}
	}
	return n
}

// evictable drops the idle windows of o and reports whether o holds
// nothing else, marking it dead if so. A busy owner is not idle.
func evictable(o *owner, sec int64) bool {
	if !o.mu.TryLock() {
		return false
	}
	defer o.mu.Unlock()
	if o.inflight > 0 || sec-o.last < windowSeconds {
		return false
	}
	o.requests, o.tokens, o.shared = nil, nil, nil
	if sp := o.budget.shared; sp != nil && sp.unsent() == 0 {
		o.budget.shared = nil
	}
	if o.budget.spent != 0 || o.budget.reserved != 0 || o.budget.shared != nil {
		return false
	}
	o.dead = true
	return true
}
