package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/litellm-go/gateway/internal/admin"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/auth/clilogin"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/h1server"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/spend"
	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/sqlstore"
)

// DefaultDatabaseFile is the SQLite file used, next to the config file,
// when no database URL is set.
const DefaultDatabaseFile = "litellm.db"

// shutdownGrace is how long requests in flight get to finish on shutdown.
const shutdownGrace = 30 * time.Second

// watchInterval is how often the store's revision is checked for changes
// made by other replicas.
const watchInterval = 2 * time.Second

// Options are the parts of a Server that come from outside the config.
type Options struct {
	Env config.LookupFunc // environment lookup; os.LookupEnv when nil
	Log *slog.Logger      // discards when nil
	Now func() time.Time  // time.Now when nil
	// ReplicaSync is how often rate-limit counts and budget spend are
	// exchanged with the other replicas when a Redis is configured;
	// policy.DefaultSyncInterval when zero.
	ReplicaSync time.Duration
}

// Server is a gateway ready to serve.
type Server struct {
	cfg     *config.Config
	opts    Options
	log     *slog.Logger
	store   store.Store
	auth    *auth.Authenticator
	catalog *catalog.Catalog
	sealer  *secret.Sealer
	signer  *signer.Signer
	spend   *spend.Recorder
	redis   *redis.Client // nil without a Redis
	login   struct {
		enabled bool
		ttl     time.Duration
	}
	registry *prometheus.Registry
	handler  http.Handler

	stop context.CancelFunc // stops background work
	bg   sync.WaitGroup
	bctx context.Context
}

// New builds a gateway from a validated config. The caller must Close it.
func New(ctx context.Context, cfg *config.Config, opts Options) (*Server, error) {
	opts = withDefaults(opts)
	opts.Env = layered(cfg.EnvironmentVariables, opts.Env)
	s := &Server{cfg: cfg, opts: opts, log: opts.Log}
	if cfg.GeneralSettings.MasterKey == "" {
		return nil, errors.New("no master key: set general_settings.master_key or LITELLM_MASTER_KEY (it must start with \"sk-\")")
	}
	s.logIgnored()
	var err error
	// Settings come first: a bad value must stop the gateway before it
	// creates or migrates a database.
	if s.login.enabled, s.login.ttl, err = clilogin.Settings(opts.Env); err != nil {
		return nil, err
	}
	if s.sealer, err = secret.NewSealer(cfg.SaltKey); err != nil {
		return nil, err
	}
	if s.redis, err = openRedis(cfg.RouterSettings); err != nil {
		return nil, err
	}
	if s.store, err = s.openStore(ctx); err != nil {
		s.closeRedis()
		return nil, err
	}
	if err := s.loadCatalog(ctx); err != nil {
		s.store.Close()
		s.closeRedis()
		return nil, err
	}
	s.auth = auth.NewAuthenticator(s.store, s.catalog, cfg.GeneralSettings.MasterKey, opts.Now)
	s.bctx, s.stop = context.WithCancel(context.WithoutCancel(ctx))
	login, err := s.newLogin(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.handler = s.routes(login)
	s.background(s.watch)
	return s, nil
}

func withDefaults(o Options) Options {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Env == nil {
		o.Env = os.LookupEnv
	}
	return o
}

// logIgnored lists, once, the config keys that have no effect here.
func (s *Server) logIgnored() {
	if len(s.cfg.Ignored) > 0 {
		s.log.Warn("config keys ignored: this gateway does not use them",
			"keys", strings.Join(s.cfg.Ignored, ", "))
	}
}

// layered looks a variable up in the config's environment_variables
// first, then in env, as LiteLLM applies that block to its environment.
func layered(block map[string]string, env config.LookupFunc) config.LookupFunc {
	return func(name string) (string, bool) {
		if v, ok := block[name]; ok {
			return v, true
		}
		return env(name)
	}
}

// openStore opens the database named by the config (DATABASE_URL or
// general_settings.database_url), else a SQLite file next to the config.
func (s *Server) openStore(ctx context.Context) (store.Store, error) {
	url := s.cfg.GeneralSettings.DatabaseURL
	kind := "postgres"
	if url == "" {
		url = filepath.Join(s.cfg.Dir(), DefaultDatabaseFile)
		kind = "sqlite"
	}
	st, err := sqlstore.Open(ctx, url, s.log)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	s.log.Info("database open", "kind", kind)
	return st, nil
}

func (s *Server) loadCatalog(ctx context.Context) error {
	s.catalog = catalog.New(s.cfg.ModelList, s.opts.Now())
	stored, err := catalog.LoadStored(ctx, s.store, s.sealer, s.opts.Env)
	if err != nil {
		return err
	}
	s.catalog.SetStored(stored)
	return nil
}

// routes builds the handler: every API on one mux, behind the request
// middleware.
func (s *Server) routes(login *clilogin.Service) http.Handler {
	mux := http.NewServeMux()
	s.registry = prometheus.NewRegistry()
	metrics := newMetrics(s.registry)
	s.registerOps(mux)
	(&admin.API{Store: s.store, Auth: s.auth, Catalog: s.catalog, Sealer: s.sealer,
		Log: s.log, Now: s.opts.Now}).Register(mux)
	s.mountGateway(mux)
	s.mountLogin(mux, login)

	limit := int64(s.cfg.GeneralSettings.MaxRequestSizeMB * 1 << 20)
	return s.middleware(metrics, httpapi.LimitBody(limit, mux))
}

// Handler returns the gateway's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx is done, then stops accepting
// connections and waits for requests in flight, up to a grace period.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &h1server.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		Log:               s.log,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("gateway stopped")
	return nil
}

// background runs fn until the server is closed.
func (s *Server) background(fn func(ctx context.Context)) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		fn(s.bctx)
	}()
}

// Close stops background work and closes the store and the Redis client.
func (s *Server) Close() error {
	s.stop()
	s.bg.Wait()
	s.flushSpend()
	s.closeRedis()
	return s.store.Close()
}

func (s *Server) closeRedis() {
	if s.redis != nil {
		s.redis.Close()
	}
}
