package server

import (
	"context"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/gateway"
	"github.com/litellm-go/gateway/internal/gateway/router"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/spend"
)

// spendFlushTimeout bounds how long Close waits for the last spend records.
const spendFlushTimeout = 10 * time.Second

// mountGateway adds the OpenAI- and Anthropic-compatible routes with their
// router, rate limits, budgets and spend recording, and /spend/logs. With
// a Redis, rate-limit counts and budget spend are shared with the other
// replicas.
func (s *Server) mountGateway(mux *http.ServeMux) {
	limiter := policy.NewLimiter(s.opts.Now)
	if s.redis != nil {
		syncer := policy.NewSyncer(limiter, s.redis,
			policy.SyncOptions{Interval: s.opts.ReplicaSync, Log: s.log})
		registerSyncMetrics(s.registry, syncer)
		s.background(syncer.Run)
		s.log.Info("rate limits and budgets shared with the other replicas through redis")
	}
	resetter := policy.NewResetter(s.store, limiter, s.log, s.opts.Now)
	s.background(resetter.Run)
	s.spend = spend.NewRecorder(s.store, s.log, spend.Options{
		DisableLogs:      s.cfg.GeneralSettings.DisableSpendLogs,
		DisableErrorLogs: s.cfg.GeneralSettings.DisableErrorLogs,
	})
	(&gateway.API{
		Auth: s.auth, Catalog: s.catalog, Log: s.log, Now: s.opts.Now,
		Router:  router.New(s.catalog, s.cfg.RouterSettings, router.Options{Now: s.opts.Now, Log: s.log}),
		Limiter: gateway.PolicyLimiter(limiter),
		Spend:   s.spend,

		CheckProviderEndpoint: s.cfg.LitellmSettings.CheckProviderEndpoint,
	}).Register(mux)
	mux.Handle("GET /spend/logs", httpapi.Detail(s.log, s.auth.Wrap(spend.Handler(s.store))))
}

// flushSpend writes the spend records still buffered; requests have
// finished by then, so none is lost.
func (s *Server) flushSpend() {
	if s.spend == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), spendFlushTimeout)
	defer cancel()
	if err := s.spend.Close(ctx); err != nil {
		s.log.Error("flush spend records", "err", err)
	}
}
