package spend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

// Lister is the part of the store that Handler reads.
type Lister interface {
	ListSpend(ctx context.Context, f store.SpendFilter) ([]*store.SpendRecord, int, error)
}

// Log is one entry of GET /spend/logs, with the field names of LiteLLM's
// LiteLLM_SpendLogs. Model and ModelGroup are both the public model name
// the caller asked for.
type Log struct {
	RequestID         string    `json:"request_id"`
	APIKey            string    `json:"api_key"` // hash of the virtual key
	User              string    `json:"user"`
	TeamID            string    `json:"team_id"`
	SessionID         string    `json:"session_id"`
	Model             string    `json:"model"`
	ModelGroup        string    `json:"model_group"`
	ModelID           string    `json:"model_id"`
	CustomLLMProvider string    `json:"custom_llm_provider"`
	Spend             float64   `json:"spend"`
	PromptTokens      int64     `json:"prompt_tokens"`
	CompletionTokens  int64     `json:"completion_tokens"`
	TotalTokens       int64     `json:"total_tokens"`
	StartTime         time.Time `json:"startTime"`
	EndTime           time.Time `json:"endTime"`
	RequestDurationMS int64     `json:"request_duration_ms"`
	Status            string    `json:"status"` // "success" or "failure"
}

// Page sizes of GET /spend/logs.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// Handler serves GET /spend/logs: a JSON list of spend records, oldest
// first, and their total number in the X-Total-Count header. The route
// must be mounted behind authentication.
//
// Query parameters, all optional: api_key (a key, or its hash as the
// records show it), user_id, team_id, model, start_date and end_date
// (YYYY-MM-DD, a whole day in UTC, or a time, RFC 3339 or
// "YYYY-MM-DD HH:MM:SS" in UTC; end_date is exclusive for a time and
// inclusive for a day), page (from 1) and page_size
// (100 by default, at most 1000). A bad value is a 400 naming the
// parameter.
//
// Proxy admins and viewers see every record. Anyone else sees only their
// own: user_id is forced to theirs, as LiteLLM does, or for a key without
// a user, api_key to that key.
func Handler(st Lister) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := parseFilter(r.URL.Query())
		if err != nil {
			return err
		}
		if err := restrict(auth.FromContext(r.Context()), &f); err != nil {
			return err
		}

		records, total, err := st.ListSpend(r.Context(), f)
		if err != nil {
			return fmt.Errorf("list spend: %w", err)
		}
		logs := make([]Log, len(records))
		for i, rec := range records {
			logs[i] = toLog(rec)
		}
		w.Header().Set("X-Total-Count", strconv.Itoa(total))
		return httpapi.WriteJSON(w, http.StatusOK, logs)
	}
}

func parseFilter(q url.Values) (store.SpendFilter, error) {
	f := store.SpendFilter{
		UserID:  q.Get("user_id"),
		TeamID:  q.Get("team_id"),
		KeyHash: q.Get("api_key"),
		Model:   q.Get("model"),
	}
	if strings.HasPrefix(f.KeyHash, secret.KeyPrefix) {
		f.KeyHash = secret.HashKey(f.KeyHash)
	}
	if q.Get("request_id") != "" {
		return f, httpapi.Errorf(http.StatusBadRequest,
			"request_id: filtering by request id is not supported yet; filter by time instead.")
	}
	var err error
	if f.Start, err = parseTime("start_date", q.Get("start_date"), false); err != nil {
		return f, err
	}
	if f.End, err = parseTime("end_date", q.Get("end_date"), true); err != nil {
		return f, err
	}
	if !f.Start.IsZero() && !f.End.IsZero() && !f.End.After(f.Start) {
		return f, httpapi.Errorf(http.StatusBadRequest, "end_date: must be after start_date.")
	}
	page, err := parseInt("page", q.Get("page"), 1, 1, 1<<30)
	if err != nil {
		return f, err
	}
	size, err := parseInt("page_size", q.Get("page_size"), defaultPageSize, 1, maxPageSize)
	if err != nil {
		return f, err
	}
	f.Page = store.Page{Offset: (page - 1) * size, Limit: size}
	return f, nil
}

// parseTime reads a date or a time given as parameter name. A date is the
// start of that day in UTC, or with end the start of the next, so that an
// end date includes its day.
func parseTime(name, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateTime} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, httpapi.Errorf(http.StatusBadRequest,
		"%s: %q is not a date; use YYYY-MM-DD or an RFC 3339 time, such as 2026-05-01 "+
			"or 2026-05-01T12:00:00Z.", name, v)
}

func parseInt(name, v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, httpapi.Errorf(http.StatusBadRequest,
			"%s: %q is not a whole number from %d to %d.", name, v, lo, hi)
	}
	return n, nil
}

// restrict narrows f to what p may read.
func restrict(p *auth.Principal, f *store.SpendFilter) error {
	switch {
	case p.CanReadAll():
	case p.UserID != "":
		f.UserID = p.UserID
	case p.KeyHash != "":
		f.KeyHash = p.KeyHash
	default:
		return auth.Forbidden(p, apitype.RoleProxyAdmin, apitype.RoleProxyAdminViewer)
	}
	return nil
}

func toLog(r *store.SpendRecord) Log {
	status := "success"
	if r.Status >= 400 {
		status = "failure"
	}
	return Log{
		RequestID:         r.RequestID,
		APIKey:            r.KeyHash,
		User:              r.UserID,
		TeamID:            r.TeamID,
		SessionID:         r.SessionID,
		Model:             r.Model,
		ModelGroup:        r.Model,
		ModelID:           r.DeploymentID,
		CustomLLMProvider: r.Provider,
		Spend:             r.Cost,
		PromptTokens:      r.PromptTokens,
		CompletionTokens:  r.CompletionTokens,
		TotalTokens:       r.PromptTokens + r.CompletionTokens,
		StartTime:         r.StartedAt,
		EndTime:           r.StartedAt.Add(r.Duration),
		RequestDurationMS: r.Duration.Milliseconds(),
		Status:            status,
	}
}
