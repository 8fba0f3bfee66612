// Package admin serves the management API: virtual keys, users, teams and
// models added at run time. Every route answers errors as LiteLLM does,
// {"detail": "..."}, and every change that touches several rows runs in one
// transaction.
//
// Routes:
//
//	POST /key/generate   GET /key/info    GET /key/list
//	POST /key/update     POST /key/delete
//	POST /user/new       GET /user/info   GET /user/list
//	POST /user/update    POST /user/delete
//	POST /team/new       GET /team/info   GET /team/list
//	POST /team/update    POST /team/member_add
//	POST /team/member_delete              POST /team/delete
//	POST /model/new      POST /model/delete
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

// API is the management API.
type API struct {
	Store   store.Store
	Auth    *auth.Authenticator
	Catalog *catalog.Catalog
	Sealer  *secret.Sealer
	Log     *slog.Logger
	Now     func() time.Time
}

// Register mounts the routes on mux.
func (a *API) Register(mux *http.ServeMux) {
	routes := map[string]httpapi.HandlerFunc{
		"POST /key/generate":       a.generateKey,
		"GET /key/info":            a.keyInfo,
		"GET /key/list":            a.listKeys,
		"POST /key/update":         a.updateKey,
		"POST /key/delete":         a.deleteKeys,
		"POST /user/new":           a.newUser,
		"GET /user/info":           a.userInfo,
		"GET /user/list":           a.listUsers,
		"POST /user/update":        a.updateUser,
		"POST /user/delete":        a.deleteUsers,
		"POST /team/new":           a.newTeam,
		"GET /team/info":           a.teamInfo,
		"GET /team/list":           a.listTeams,
		"POST /team/update":        a.updateTeam,
		"POST /team/member_add":    a.addTeamMembers,
		"POST /team/member_delete": a.deleteTeamMember,
		"POST /team/delete":        a.deleteTeams,
		"POST /model/new":          a.newModel,
		"POST /model/delete":       a.deleteModel,
	}
	for pattern, h := range routes {
		mux.Handle(pattern, httpapi.Detail(a.Log, a.Auth.Wrap(h)))
	}
}

// changed makes a committed change visible: cached principals are dropped.
func (a *API) changed() { a.Auth.Invalidate() }

// audit logs a change at Info, as an audit event.
func (a *API) audit(ctx context.Context, p *auth.Principal, action string, attrs ...any) {
	by := p.UserID
	if p.Master {
		by = "master_key"
	}
	a.Log.InfoContext(ctx, action, append([]any{"by", by}, attrs...)...)
}
