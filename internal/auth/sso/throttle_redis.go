package sso

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// sharedThrottle keeps the counters of failed logins in Redis, so that
// every replica of the gateway sees the failures of all: without it, each
// of n replicas would allow its own five guesses at an account. A counter
// is a hash per key, changed only by the scripts below, each of which
// runs whole; it expires once nothing in it can matter any more.
//
// When Redis cannot be reached, attempts are counted in this process
// instead, as without Redis, for redisRetry before Redis is tried again:
// a failing Redis neither locks everyone out, nor lifts the limits, nor
// holds each login up while the client gives up on it.
type sharedThrottle struct {
	rdb   redis.Scripter
	opts  ThrottleOptions
	local *throttle
	log   *slog.Logger

	mu      sync.Mutex
	warned  time.Time // when the last Redis failure was logged
	retryAt time.Time // until then, count in memory
}

// redisRetry is how long attempts are counted in memory after Redis
// failed.
const redisRetry = 10 * time.Second

// throttleKeyPrefix starts the Redis keys of the counters.
const throttleKeyPrefix = "litellm-gateway:login-failures:"

// throttleTimeout bounds a script's round trip.
const throttleTimeout = time.Second

func newSharedThrottle(rdb redis.Scripter, o ThrottleOptions, log *slog.Logger) *sharedThrottle {
	o.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &sharedThrottle{rdb: rdb, opts: o, local: newThrottle(o), log: log}
}

// The scripts apply the rules of throttle.admit and throttle.end to the
// hashes at KEYS, with the fields failures, since, inflight, lockouts and
// locked_until; times are Unix milliseconds, from ARGV so that every
// replica's attempt is judged by its own clock, as in memory.
const rollLua = `
local function load(k, now, window)
	local v = redis.call('HMGET', k, 'failures', 'since', 'inflight', 'lockouts', 'locked_until')
	local c = {failures = tonumber(v[1]) or 0, since = tonumber(v[2]) or now,
		inflight = tonumber(v[3]) or 0, lockouts = tonumber(v[4]) or 0,
		locked_until = tonumber(v[5]) or 0}
	if c.failures > 0 and now - c.since >= window then c.failures = 0 end
	if c.lockouts > 0 and now - c.locked_until >= window then c.lockouts = 0 end
	return c
end
`

// admitScript: ARGV now, window, ttl, then each key's limit. It returns
// the milliseconds to wait, or 0 with the attempt counted in flight.
var admitScript = redis.NewScript(rollLua + `
local now, window, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for i, k in ipairs(KEYS) do
	local c = load(k, now, window)
	if now < c.locked_until then
		wait = math.max(wait, c.locked_until - now)
	elseif c.failures + c.inflight >= tonumber(ARGV[3 + i]) then
		wait = math.max(wait, 1000)
	end
end
if wait > 0 then return wait end
for _, k in ipairs(KEYS) do
	redis.call('HINCRBY', k, 'inflight', 1)
	redis.call('PEXPIRE', k, ttl)
end
return 0
`)

// endScript: ARGV now, window, ttl, outcome, lockout, max lockout, then
// each key's limit and whether it is an account (1) or not (0).
var endScript = redis.NewScript(rollLua + `
local now, window, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local outcome, lockout, maxLockout = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
for i, k in ipairs(KEYS) do
	local limit, account = tonumber(ARGV[5 + 2 * i]), ARGV[6 + 2 * i] == '1'
	local c = load(k, now, window)
	c.inflight = math.max(c.inflight - 1, 0)
	if outcome == 'succeeded' and account then
		c.failures, c.lockouts, c.locked_until = 0, 0, 0
	elseif outcome == 'failed' then
		if c.failures == 0 then c.since = now end
		c.failures = c.failures + 1
		if c.failures >= limit then
			local d = lockout
			for _ = 1, c.lockouts do
				if d >= maxLockout then break end
				d = d * 2
			end
			c.locked_until = now + math.min(d, maxLockout)
			c.lockouts = c.lockouts + 1
			c.failures = 0
		end
	end
	if c.inflight == 0 and c.failures == 0 and c.lockouts == 0 then
		redis.call('DEL', k)
	else
		redis.call('HSET', k, 'failures', c.failures, 'since', c.since, 'inflight', c.inflight,
			'lockouts', c.lockouts, 'locked_until', c.locked_until)
		redis.call('PEXPIRE', k, ttl)
	end
end
return 0
`)

// begin admits an attempt in Redis, or in memory while Redis is down. A
// client that goes away does not cut a script short: Redis is not to
// blame for it.
func (s *sharedThrottle) begin(ctx context.Context, login, remoteAddr string) (func(outcome), error) {
	if s.down() {
		return s.local.begin(ctx, login, remoteAddr)
	}
	keys := s.opts.keys(login, remoteAddr)
	names := make([]string, len(keys))
	args := s.args(4+len(keys), s.opts.Now())
	for i, k := range keys {
		names[i] = throttleKeyPrefix + k.name
		args = append(args, k.limit)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), throttleTimeout)
	defer cancel()
	wait, err := admitScript.Run(rctx, s.rdb, names, args...).Int64()
	if err != nil {
		s.failed(err)
		return s.local.begin(ctx, login, remoteAddr)
	}
	if wait > 0 {
		return nil, throttled(time.Duration(wait) * time.Millisecond)
	}
	return func(o outcome) { s.end(ctx, names, keys, o) }, nil
}

// end records the outcome of an attempt that began in Redis. When Redis
// fails now, the attempt stays in flight there until its counter
// expires: one guess fewer for that account or address meanwhile.
func (s *sharedThrottle) end(ctx context.Context, names []string, keys []throttleKey, o outcome) {
	args := s.args(6+2*len(keys), s.opts.Now())
	args = append(args, o.String(), s.opts.Lockout.Milliseconds(), s.opts.MaxLockout.Milliseconds())
	for _, k := range keys {
		args = append(args, k.limit, btoi(k.account))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), throttleTimeout)
	defer cancel()
	if err := endScript.Run(ctx, s.rdb, names, args...).Err(); err != nil {
		s.failed(err)
	}
}

// args starts the arguments of a script: now, the window and the time to
// live of a counter, which outlasts its window and its longest lockout.
func (s *sharedThrottle) args(n int, now time.Time) []any {
	ttl := s.opts.Window + s.opts.MaxLockout
	return append(make([]any, 0, n), now.UnixMilli(), s.opts.Window.Milliseconds(), ttl.Milliseconds())
}

// down reports whether Redis failed less than redisRetry ago.
func (s *sharedThrottle) down() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Before(s.retryAt)
}

// failed notes a Redis failure, and logs it once a minute at most.
func (s *sharedThrottle) failed(err error) {
	s.mu.Lock()
	now := time.Now()
	s.retryAt = now.Add(redisRetry)
	quiet := now.Sub(s.warned) < time.Minute
	if !quiet {
		s.warned = now
	}
	s.mu.Unlock()
	if !quiet {
		s.log.Warn("login throttle: Redis failed; counting failed logins in this replica only",
			"retry_in", redisRetry, "err", err)
	}
}

func (o outcome) String() string {
	switch o {
	case succeeded:
		return "succeeded"
	case failed:
		return "failed"
	}
	return "undecided"
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
