package sqlstore

import (
	"context"
	"fmt"

	"github.com/litellm-go/gateway/internal/store"
)

const selectModels = "SELECT id, name, params, info, created_at FROM models" +
	" ORDER BY created_at, id"

var insertModel = insertSQL("models", "id, name, params, info, created_at")

// CreateModel inserts m and sets its creation time as stored.
func (t *tx) CreateModel(ctx context.Context, m *store.Model) error {
	return wrap("create model", t.write(ctx, func() error {
		created, _ := stamps(m.CreatedAt, m.CreatedAt, t.now())
		_, err := t.exec(ctx, insertModel, m.ID, m.Name,
			blobArg(m.Params), blobArg(m.Info), t.d.timeArg(created))
		if err != nil {
			return err
		}
		m.CreatedAt = created
		return nil
	}))
}

// ListModels returns every model in creation order.
func (t *tx) ListModels(ctx context.Context) ([]*store.Model, error) {
	rows, err := t.query(ctx, selectModels)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	defer rows.Close()

	var models []*store.Model
	for rows.Next() {
		var m store.Model
		if err := rows.Scan(&m.ID, &m.Name, &m.Params, &m.Info, timeCol{&m.CreatedAt}); err != nil {
			return nil, fmt.Errorf("list models: %w", err)
		}
		m.Params, m.Info = nilIfEmpty(m.Params), nilIfEmpty(m.Info)
		models = append(models, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	return models, nil
}

// DeleteModel removes the model with the given id.
func (t *tx) DeleteModel(ctx context.Context, id string) error {
	return wrap("delete model", t.write(ctx, func() error {
		res, err := t.exec(ctx, "DELETE FROM models WHERE id = ?", id)
		if err != nil {
			return err
		}
		return mustChange(res)
	}))
}

// blobArg is b, never nil: the columns are NOT NULL, and an empty value
// comes back as nil anyway.
func blobArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
