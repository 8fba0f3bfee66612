package admin

import (
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/google/uuid"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/catalog"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

func (a *API) newModel(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.Deployment
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	if req.ModelInfo == nil {
		req.ModelInfo = map[string]any{}
	}
	id, _ := req.ModelInfo["id"].(string)
	if id == "" {
		id = uuid.NewString()
		req.ModelInfo["id"] = id
	}
	if _, err := config.ParseDeployment(req.ModelName, req.LitellmParams, req.ModelInfo, os.LookupEnv); err != nil {
		return badRequest("%s", err)
	}
	for _, e := range a.Catalog.Snapshot().Entries() {
		if e.Info.ID == id {
			return badRequest("a model with id %q already exists", id)
		}
	}
	m, err := catalog.Seal(req, id, a.Sealer)
	if err != nil {
		return err
	}
	m.CreatedAt = a.Now().UTC()
	if err := a.Store.CreateModel(r.Context(), m); errors.Is(err, store.ErrExists) {
		return badRequest("a model with id %q already exists", id)
	} else if err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	if err := a.reloadModels(r); err != nil {
		return err
	}
	a.audit(r.Context(), p, "model added", "model", req.ModelName, "model_id", id)
	return httpapi.WriteJSON(w, http.StatusOK, apitype.Deployment{
		ModelName: req.ModelName, LitellmParams: catalog.PublicParams(req.LitellmParams), ModelInfo: req.ModelInfo})
}

func (a *API) deleteModel(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var req apitype.DeleteModelRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := auth.RequireRole(p, apitype.RoleProxyAdmin); err != nil {
		return err
	}
	if req.ID == "" {
		return badRequest("id is required: the model_info.id of the model to delete")
	}
	for _, e := range a.Catalog.Snapshot().Entries() {
		if e.Info.ID == req.ID && !e.Stored {
			return badRequest("model %q comes from the config file; remove it there", req.ID)
		}
	}
	if err := a.Store.DeleteModel(r.Context(), req.ID); errors.Is(err, store.ErrNotFound) {
		return notFound("Model %q not found.", req.ID)
	} else if err != nil {
		return fmt.Errorf("delete model: %w", err)
	}
	if err := a.reloadModels(r); err != nil {
		return err
	}
	a.audit(r.Context(), p, "model deleted", "model_id", req.ID)
	return httpapi.WriteJSON(w, http.StatusOK, map[string]string{"message": "model deleted", "id": req.ID})
}

// reloadModels makes the stored models the catalog's, and drops cached
// principals whose model access may have changed.
func (a *API) reloadModels(r *http.Request) error {
	stored, err := catalog.LoadStored(r.Context(), a.Store, a.Sealer, os.LookupEnv)
	if err != nil {
		return err
	}
	a.Catalog.SetStored(stored)
	a.changed()
	return nil
}
