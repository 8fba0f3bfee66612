package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// timeCol scans a time column: timeLayout text on SQLite, a timestamp on
// PostgreSQL. NULL leaves the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

// nullTimeCol scans a nullable time column into a pointer, nil for NULL.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// jsonCol scans a JSON column (text on SQLite, jsonb on PostgreSQL) into
// the value v points to.
type jsonCol struct{ v any }

func (c jsonCol) Scan(src any) error {
	var data []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		data = []byte(v)
	case []byte:
		data = v
	default:
		return fmt.Errorf("scan json: unexpected %T", src)
	}
	if err := json.Unmarshal(data, c.v); err != nil {
		return fmt.Errorf("scan json: %w", err)
	}
	return nil
}

// jsonArgs encodes the Models and Metadata of a record. Both are stored
// as empty when nil.
func jsonArgs(models []string, meta map[string]any) (string, string, error) {
	if models == nil {
		models = []string{}
	}
	if meta == nil {
		meta = map[string]any{}
	}
	m, err := json.Marshal(models)
	if err != nil {
		return "", "", fmt.Errorf("encode models: %w", err)
	}
	md, err := json.Marshal(meta)
	if err != nil {
		return "", "", fmt.Errorf("encode metadata: %w", err)
	}
	return string(m), string(md), nil
}

// notNil replaces the nil collections left by NULL or JSON null.
func notNil(models *[]string, meta *map[string]any) {
	if *models == nil {
		*models = []string{}
	}
	if *meta == nil {
		*meta = map[string]any{}
	}
}

// limitCols are the columns of store.Limits, in the order of limitArgs
// and limitDest.
const limitCols = "max_budget, budget_duration, budget_reset_at, spend, rpm_limit, tpm_limit"

func (d *dialect) limitArgs(l *store.Limits) []any {
	return []any{
		ptrArg(l.MaxBudget), l.BudgetDuration, d.nullTimeArg(l.BudgetResetAt),
		l.Spend, ptrArg(l.RPMLimit), ptrArg(l.TPMLimit),
	}
}

func limitDest(l *store.Limits) []any {
	return []any{
		&l.MaxBudget, &l.BudgetDuration, nullTimeCol{&l.BudgetResetAt},
		&l.Spend, &l.RPMLimit, &l.TPMLimit,
	}
}

// ptrArg is the value p points to, or NULL.
func ptrArg[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// nullString is s, or NULL when s is empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// emailKey is the form of an email that makes it unique: lower case, NULL
// when empty so that any number of users may have no email.
func emailKey(email string) any {
	return nullString(strings.ToLower(email))
}

// pageArgs returns the LIMIT and OFFSET arguments of p.
func (d *dialect) pageArgs(p store.Page) []any {
	var limit any = p.Limit
	if p.Limit <= 0 {
		limit = d.noLimit
	}
	return []any{limit, max(p.Offset, 0)}
}
