package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/version"
)

// pingTimeout bounds the database check of /health/readiness.
const pingTimeout = 2 * time.Second

func (s *Server) registerOps(mux *http.ServeMux) {
	alive := func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, "I'm alive!")
	}
	mux.HandleFunc("GET /health/liveliness", alive)
	mux.HandleFunc("GET /health/liveness", alive)
	mux.HandleFunc("GET /health/readiness", s.readiness)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
}

func (s *Server) readiness(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
	defer cancel()
	ready := apitype.Readiness{Status: "healthy", DB: "connected", LitellmVersion: version.String()}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness: database does not answer", "err", err)
		ready.Status, ready.DB, status = "unhealthy", "disconnected", http.StatusServiceUnavailable
	}
	httpapi.WriteJSON(w, status, ready)
}
