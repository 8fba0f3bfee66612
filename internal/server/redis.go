package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/policy"
)

// openRedis returns a client of the Redis that router_settings (or
// REDIS_URL, REDIS_HOST, ...) names, or nil when it names none. The
// client connects when first used, so a Redis that is down delays
// nothing: the gateway starts, and shares its rate limits and budgets
// once Redis answers.
func openRedis(rs config.RouterSettings) (*redis.Client, error) {
	var opts *redis.Options
	switch {
	case rs.RedisURL != "":
		var err error
		if opts, err = redis.ParseURL(rs.RedisURL); err != nil {
			// A parse error quotes the URL, which may hold a password.
			if _, isURL := errors.AsType[*url.Error](err); isURL {
				err = errors.New("not a URL")
			}
			return nil, fmt.Errorf("router_settings.redis_url: %w", err)
		}
	case rs.RedisHost != "":
		opts = &redis.Options{
			Addr:     net.JoinHostPort(rs.RedisHost, strconv.Itoa(rs.RedisPort)),
			Password: rs.RedisPassword,
		}
	default:
		return nil, nil
	}
	silenceRedisLog()
	// One attempt per exchange, bounded by the exchange's timeout: the next
	// exchange is the retry.
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	opts.DialTimeout = policy.DefaultSyncTimeout
	opts.ReadTimeout = policy.DefaultSyncTimeout
	opts.WriteTimeout = policy.DefaultSyncTimeout
	return redis.NewClient(opts), nil
}

var silenceRedisLogOnce sync.Once

// silenceRedisLog stops go-redis from logging each failed connection
// attempt, several times a second while Redis is down, through its
// process-wide logger: the Syncer reports failures itself, once.
func silenceRedisLog() {
	silenceRedisLogOnce.Do(func() { redis.SetLogger(discardRedisLog{}) })
}

type discardRedisLog struct{}

func (discardRedisLog) Printf(context.Context, string, ...any) {}

// registerSyncMetrics exposes the state of the exchanges of rate-limit
// counts and budget spend with Redis on /metrics. The names predate the
// spend, which goes in the same exchanges; dashboards keep working.
func registerSyncMetrics(reg prometheus.Registerer, s *policy.Syncer) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "litellm_redis_rate_limit_sync_up",
			Help: "1 when the last exchange of rate-limit counts and spend with Redis " +
				"succeeded, else 0.",
		}, func() float64 {
			if s.Up() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "litellm_redis_rate_limit_sync_failures_total",
			Help: "Exchanges of rate-limit counts and spend with Redis that failed.",
		}, func() float64 { return float64(s.Failures()) }),
	)
}
