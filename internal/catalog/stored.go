package catalog

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

// Seal turns a validated deployment into a store record. litellm_params is
// sealed, bound to the model id, because it may hold a provider key.
func Seal(d apitype.Deployment, id string, sealer *secret.Sealer) (*store.Model, error) {
	params, err := json.Marshal(d.LitellmParams)
	if err != nil {
		return nil, fmt.Errorf("seal model: %w", err)
	}
	info, err := json.Marshal(d.ModelInfo)
	if err != nil {
		return nil, fmt.Errorf("seal model: %w", err)
	}
	return &store.Model{ID: id, Name: d.ModelName, Params: sealer.Seal(params, []byte(id)), Info: info}, nil
}

// LoadStored reads the models added at run time. env resolves
// os.environ/NAME references in their parameters.
func LoadStored(ctx context.Context, s store.Tx, sealer *secret.Sealer, env config.LookupFunc) ([]*Entry, error) {
	models, err := s.ListModels(ctx)
	if err != nil {
		return nil, fmt.Errorf("load models: %w", err)
	}
	entries := make([]*Entry, 0, len(models))
	for _, m := range models {
		d, err := open(m, sealer, env)
		if err != nil {
			return nil, err
		}
		entries = append(entries, &Entry{Deployment: d, Stored: true, Created: m.CreatedAt})
	}
	return entries, nil
}

func open(m *store.Model, sealer *secret.Sealer, env config.LookupFunc) (config.Deployment, error) {
	plain, err := sealer.Open(m.Params, []byte(m.ID))
	if err != nil {
		return config.Deployment{}, fmt.Errorf("load model %s: %w", m.ID, err)
	}
	d := apitype.Deployment{ModelName: m.Name}
	if err := json.Unmarshal(plain, &d.LitellmParams); err != nil {
		return config.Deployment{}, fmt.Errorf("load model %s: %w", m.ID, err)
	}
	if err := json.Unmarshal(m.Info, &d.ModelInfo); err != nil {
		return config.Deployment{}, fmt.Errorf("load model %s: %w", m.ID, err)
	}
	if d.ModelInfo == nil {
		d.ModelInfo = map[string]any{}
	}
	d.ModelInfo["id"] = m.ID
	dep, err := config.ParseDeployment(d.ModelName, d.LitellmParams, d.ModelInfo, env)
	if err != nil {
		return config.Deployment{}, fmt.Errorf("load model %s: %w", m.ID, err)
	}
	return dep, nil
}
