package policy

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Spend crosses Redis in whole millionths of a dollar (µUSD): INCRBY adds
// integers exactly, where INCRBYFLOAT would let every replica's rounding
// drift the total. The cost of one request is not rounded: a replica
// pushes its running total, rounded, less what it pushed before, so
// costs under a millionth add up.
const microsPerUSD = 1e6

const (
	// spendPrefix starts the key of an owner's spend in a budget period,
	// apart from LiteLLM's keys and from the rate-limit counters.
	spendPrefix = "litellm-gateway:spend:"
	// spendGrace keeps the spend of a period for an hour past its end and
	// past the last push to it, for replicas whose clocks are behind and
	// pushes that were held up.
	spendGrace = time.Hour
	// spendTTL keeps the spend of a budget that never resets for a month
	// after the last spend pushed to it. Once it expires the replicas
	// count from the store's spend again, as after Redis lost it.
	spendTTL = 30 * 24 * time.Hour
)

// sharedSpend is what the budget of one owner exchanges with the other
// replicas through a Syncer, for one period. As with sharedCounts, Redis
// holds the sum of what every replica pushed, so the other replicas' spend
// is Redis's total less this replica's part of it, and no replica needs an
// identity.
type sharedSpend struct {
	period time.Time // end of the period the spend is of, which names its key
	own    float64   // USD settled here in the period since the owner was met
	pushed int64     // µUSD of own that Redis holds
	others float64   // USD of the other replicas, at the last exchange
}

// unsent returns the µUSD of own not yet in Redis.
func (sp *sharedSpend) unsent() int64 {
	return int64(math.Round(sp.own*microsPerUSD)) - sp.pushed
}

// settle takes in the outcome of an exchange, under the owner's lock:
// sent µUSD were added to Redis, which then held all for the period. lost
// says that Redis lost its data since the exchange before: of this
// replica's spend, it then holds only sent, and the rest goes out with
// the next exchange.
func (sp *sharedSpend) settle(sent, all int64, lost bool) {
	if lost {
		sp.pushed = 0
	}
	sp.pushed += sent
	sp.others = float64(max(all-sp.pushed, 0)) / microsPerUSD
}

// spendJob is the exchange of one owner's spend in a period.
type spendJob struct {
	sp   *sharedSpend // nil: the owner's budget is not shared
	sent int64        // µUSD pushed by the exchange
	incr *redis.IntCmd
	get  *redis.StringCmd
}

// push adds to pipe the spend j sends to key at now, or a read of key
// when it sends none. A key is made to expire when it is written. Its
// lifetime is reckoned on this replica's clock, as the period is, rather
// than Redis's.
func (j *spendJob) push(ctx context.Context, pipe redis.Pipeliner, key string, now time.Time) {
	if j.sent <= 0 {
		j.get = pipe.Get(ctx, key)
		return
	}
	j.incr = pipe.IncrBy(ctx, key, j.sent)
	ttl := spendTTL
	if end := j.sp.period; !end.IsZero() {
		ttl = max(end.Sub(now), 0) + spendGrace
	}
	pipe.Expire(ctx, key, ttl)
}

// all returns every replica's spend that Redis held after the exchange;
// a key missing or not a number holds none.
func (j *spendJob) all() int64 {
	if j.incr != nil {
		return j.incr.Val()
	}
	n, _ := strconv.ParseInt(j.get.Val(), 10, 64)
	return n
}

// spendKey returns the Redis key of the spend of an owner of kind and id
// in the period that ends at end: its unix second, or "forever" for a
// budget that never resets. The braces put it in the hash slot of the
// owner's rate-limit counters.
func spendKey(kind int, id string, end time.Time) string {
	period := "forever"
	if !end.IsZero() {
		period = strconv.FormatInt(end.Unix(), 10)
	}
	return spendPrefix + "{" + budgetKinds[kind] + ":" + id + "}:" + period
}
