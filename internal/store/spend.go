package store

import (
	"context"
	"time"
)

// SpendTx records what requests cost and resets budgets. None of these
// writes advances the revision: spend changes on every request, and caches
// must not be dropped for it.
type SpendTx interface {
	// AddSpend inserts the records and adds each record's cost to the
	// spend of its key, user and team (those that are set and exist), all
	// in one transaction. ErrExists, and nothing written, if a record with
	// the same request id and start time is already recorded, as when a
	// batch whose commit reported an error is written again. Records of
	// two requests that share an id, which callers may choose, are both
	// kept.
	AddSpend(ctx context.Context, records []SpendRecord) error
	// ListSpend returns records ordered by start time, then request id,
	// filtered by f, and the total number that match.
	ListSpend(ctx context.Context, f SpendFilter) ([]*SpendRecord, int, error)
	// DueBudgets returns the keys, users and teams whose BudgetResetAt is
	// at or before now, each with that BudgetResetAt.
	DueBudgets(ctx context.Context, now time.Time) ([]BudgetRef, error)
	// ResetBudget sets the spend of one key, user or team to zero and its
	// BudgetResetAt to next, or returns ErrNotFound. When ref.ResetAt is
	// set, only a BudgetResetAt still equal to it is reset, and ErrNotFound
	// says that it was not: of the replicas that list the same due budget,
	// one resets it, and the spend recorded since is not zeroed again.
	ResetBudget(ctx context.Context, ref BudgetRef, next time.Time) error
}

// Budget owners, the Kind of a BudgetRef.
const (
	BudgetKey  = "key"
	BudgetUser = "user"
	BudgetTeam = "team"
)

// BudgetRef names the owner of a budget.
type BudgetRef struct {
	Kind     string    // BudgetKey, BudgetUser or BudgetTeam
	ID       string    // key hash, user id or team id
	Duration string    // its BudgetDuration, such as "30d"
	ResetAt  time.Time // its BudgetResetAt as DueBudgets found it; zero: any
}

// SpendRecord is the cost of one request through the gateway.
type SpendRecord struct {
	RequestID        string
	KeyHash          string // empty for the master key and session tokens
	SessionID        string // set for CLI session tokens
	UserID           string
	TeamID           string
	Model            string // the public model name asked for
	DeploymentID     string // model_info.id of the deployment that answered
	Provider         string
	PromptTokens     int64
	CompletionTokens int64
	Cost             float64 // USD
	Status           int     // HTTP status sent to the client
	StartedAt        time.Time
	Duration         time.Duration
	// Unlogged records add their cost to their owners' spend, and are
	// not kept in the spend log (general_settings.disable_spend_logs).
	// Without a row, an unlogged record that is written again, after a
	// commit that succeeded but reported an error, counts twice.
	Unlogged bool
}

// SpendFilter narrows ListSpend. Empty fields match everything; a zero
// time means no bound.
type SpendFilter struct {
	UserID  string
	TeamID  string
	KeyHash string
	Model   string
	Start   time.Time // inclusive
	End     time.Time // exclusive
	Page
}
