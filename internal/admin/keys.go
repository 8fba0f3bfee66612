package admin

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/policy"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

func (a *API) generateKey(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.KeyRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin, apitype.RoleInternalUser); err != nil {
		return err
	}
	plain := secret.NewKey()
	if req.Key != "" {
		if !strings.HasPrefix(req.Key, secret.KeyPrefix) || len(req.Key) < 16 {
			return badRequest("key must start with %q and be at least 16 characters long", secret.KeyPrefix)
		}
		plain = req.Key
	}
	now := a.Now().UTC()
	k := &store.Key{
		Hash: secret.HashKey(plain), Name: secret.Abbreviate(plain),
		CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now,
	}
	if !p.IsAdmin() && req.UserID == nil {
		k.UserID = p.UserID
	}
	if err := a.applyKeyRequest(r, p, k, &req); err != nil {
		return err
	}
	if err := a.Store.CreateKey(r.Context(), k); err != nil {
		if errors.Is(err, store.ErrExists) {
			return badRequest("a key with this value already exists; choose another key")
		}
		return err
	}
	a.changed() // a custom key may have been looked up, and missed, before
	a.audit(r.Context(), p, "key generated", "key_name", k.Name, "user_id", k.UserID, "team_id", k.TeamID)
	return httpapi.WriteJSON(w, http.StatusOK, apitype.GenerateKeyResponse{Key: plain, KeyInfo: keyInfo(k, a.Now())})
}

// applyKeyRequest validates the request's fields and sets them on k.
func (a *API) applyKeyRequest(r *http.Request, p *auth.Principal, k *store.Key, req *apitype.KeyRequest) error {
	ctx := r.Context()
	if req.UserID != nil && *req.UserID != k.UserID {
		if !p.IsAdmin() && *req.UserID != p.UserID {
			return forbidden("Only a proxy_admin may create or move keys of another user.")
		}
		if *req.UserID != "" {
			if _, err := a.Store.GetUser(ctx, *req.UserID); errors.Is(err, store.ErrNotFound) {
				return badRequest("user_id %q does not exist; create the user with /user/new first", *req.UserID)
			} else if err != nil {
				return err
			}
		}
		k.UserID = *req.UserID
	}
	if req.TeamID != nil && *req.TeamID != k.TeamID {
		if err := a.checkTeamForKey(r, p, *req.TeamID); err != nil {
			return err
		}
		k.TeamID = *req.TeamID
	}
	if req.Models != nil {
		if err := a.checkModels(p, req.Models); err != nil {
			return err
		}
		k.Models = req.Models
	}
	if req.KeyAlias != nil {
		k.Alias = *req.KeyAlias
	}
	if req.Metadata != nil {
		k.Metadata = req.Metadata
	}
	if req.Blocked != nil {
		k.Blocked = *req.Blocked
	}
	if req.Duration != nil {
		k.ExpiresAt = nil
		if *req.Duration != "" {
			d, err := policy.ParseDuration(*req.Duration)
			if err != nil {
				return badRequest("duration: %s", err)
			}
			exp := a.Now().Add(d).UTC()
			k.ExpiresAt = &exp
		}
	}
	lp := limitsPatch{req.MaxBudget, req.BudgetDuration, req.RPMLimit, req.TPMLimit}
	return lp.apply(&k.Limits, a.Now())
}

func (a *API) checkTeamForKey(r *http.Request, p *auth.Principal, teamID string) error {
	if teamID == "" {
		return nil
	}
	t, err := a.Store.GetTeam(r.Context(), teamID)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest("team_id %q does not exist", teamID)
	}
	if err != nil {
		return err
	}
	if member, _ := p.InTeam(t); !p.IsAdmin() && !member {
		return forbidden("You are not a member of team %q, so you cannot create keys for it.", teamID)
	}
	return nil
}

// checkModels validates a models list set on a key, user or team.
func (a *API) checkModels(p *auth.Principal, models []string) error {
	snap := a.Catalog.Snapshot()
	for _, m := range models {
		if !auth.KnownModel(m, snap) {
			return badRequest("unknown model %q; GET /v1/models lists the models", m)
		}
	}
	if !p.CanGrant(models, snap) {
		return forbidden("You cannot grant models you may not use yourself.")
	}
	return nil
}

// lookupKey finds a key by its secret or its hash and checks that the
// caller may see it.
func (a *API) lookupKey(r *http.Request, p *auth.Principal, key string) (*store.Key, error) {
	hash := key
	if strings.HasPrefix(key, secret.KeyPrefix) {
		hash = secret.HashKey(key)
	}
	k, err := a.Store.GetKey(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("Key not found. Pass the key or its token (hash) as returned by /key/generate.")
	}
	if err != nil {
		return nil, err
	}
	if !p.CanReadAll() && k.Hash != p.KeyHash && (p.UserID == "" || k.UserID != p.UserID) {
		// Answer as for a missing key, so that keys of others stay hidden.
		return nil, notFound("Key not found. Pass the key or its token (hash) as returned by /key/generate.")
	}
	return k, nil
}

func (a *API) keyInfo(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	key := r.URL.Query().Get("key")
	if key == "" {
		if p.Master {
			return badRequest("pass the key to describe as ?key=")
		}
		key = p.KeyHash
	}
	k, err := a.lookupKey(r, p, key)
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.KeyInfoResponse{Key: k.Hash, Info: keyInfo(k, a.Now())})
}

func (a *API) listKeys(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	page, size, err := paging(q.Get("page"), q.Get("size"), 10)
	if err != nil {
		return err
	}
	f := store.KeyFilter{UserID: q.Get("user_id"), TeamID: q.Get("team_id"),
		Page: store.Page{Offset: (page - 1) * size, Limit: size}}
	if !p.CanReadAll() {
		if p.UserID == "" {
			return auth.Forbidden(p, apitype.RoleProxyAdmin, apitype.RoleProxyAdminViewer, apitype.RoleInternalUser)
		}
		if f.UserID != "" && f.UserID != p.UserID {
			return forbidden("You may only list your own keys.")
		}
		f.UserID = p.UserID
	}
	keys, total, err := a.Store.ListKeys(r.Context(), f)
	if err != nil {
		return err
	}
	pages := int(math.Ceil(float64(total) / float64(size)))
	if full, _ := strconv.ParseBool(q.Get("return_full_object")); full {
		return httpapi.WriteJSON(w, http.StatusOK, apitype.KeyListResponse{
			Keys: keyInfos(keys, a.Now()), TotalCount: total, CurrentPage: page, TotalPages: pages})
	}
	hashes := make([]string, 0, len(keys))
	for _, k := range keys {
		hashes = append(hashes, k.Hash)
	}
	return httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"keys": hashes, "total_count": total, "current_page": page, "total_pages": pages})
}

// paging reads 1-based page numbers and page sizes, capped at 100.
func paging(pageStr, sizeStr string, defaultSize int) (page, size int, err error) {
	page, size = 1, defaultSize
	if pageStr != "" {
		if page, err = strconv.Atoi(pageStr); err != nil || page < 1 {
			return 0, 0, badRequest("page must be a whole number from 1 up")
		}
	}
	if sizeStr != "" {
		if size, err = strconv.Atoi(sizeStr); err != nil || size < 1 || size > 100 {
			return 0, 0, badRequest("page size must be a whole number from 1 to 100")
		}
	}
	return page, size, nil
}

func (a *API) updateKey(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.KeyRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin, apitype.RoleInternalUser); err != nil {
		return err
	}
	if req.Key == "" {
		return badRequest("key is required: the key or its token (hash)")
	}
	k, err := a.lookupKey(r, p, req.Key)
	if err != nil {
		return err
	}
	// Read and write in one transaction, so that spend recorded meanwhile
	// is not overwritten.
	err = a.Store.InTx(r.Context(), func(tx store.Tx) error {
		if k, err = tx.GetKey(r.Context(), k.Hash); err != nil {
			return fmt.Errorf("get key: %w", err)
		}
		if err := a.applyKeyRequest(r, p, k, &req); err != nil {
			return err
		}
		k.UpdatedAt = a.Now().UTC()
		return tx.UpdateKey(r.Context(), k)
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "key updated", "key_name", k.Name)
	return httpapi.WriteJSON(w, http.StatusOK, keyInfo(k, a.Now()))
}

func (a *API) deleteKeys(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.DeleteKeysRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin, apitype.RoleInternalUser); err != nil {
		return err
	}
	if len(req.Keys)+len(req.KeyAliases) == 0 {
		return badRequest("keys is required: a list of keys or tokens to delete")
	}
	hashes, err := a.keysToDelete(r, p, &req)
	if err != nil {
		return err
	}
	err = a.Store.InTx(r.Context(), func(tx store.Tx) error {
		for _, h := range hashes {
			if err := tx.DeleteKey(r.Context(), h); err != nil {
				return fmt.Errorf("delete key: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.changed()
	a.audit(r.Context(), p, "keys deleted", "count", len(hashes))
	deleted := append(append([]string{}, req.Keys...), req.KeyAliases...)
	return httpapi.WriteJSON(w, http.StatusOK, apitype.DeleteKeysResponse{DeletedKeys: deleted})
}

// keysToDelete resolves keys and aliases to hashes, failing as a whole if
// any is missing or not the caller's.
func (a *API) keysToDelete(r *http.Request, p *auth.Principal, req *apitype.DeleteKeysRequest) ([]string, error) {
	var hashes []string
	for _, key := range req.Keys {
		k, err := a.lookupKey(r, p, key)
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, k.Hash)
	}
	if len(req.KeyAliases) == 0 {
		return hashes, nil
	}
	f := store.KeyFilter{}
	if !p.IsAdmin() {
		f.UserID = p.UserID
	}
	keys, _, err := a.Store.ListKeys(r.Context(), f)
	if err != nil {
		return nil, err
	}
	byAlias := make(map[string]string, len(keys))
	for _, k := range keys {
		if k.Alias != "" {
			byAlias[k.Alias] = k.Hash
		}
	}
	for _, alias := range req.KeyAliases {
		h, ok := byAlias[alias]
		if !ok {
			return nil, notFound("No key has the alias %q.", alias)
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}
