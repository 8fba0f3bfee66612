package apitype

import "time"

// CLIPollSecretHeader carries the poll secret of a classic CLI login on
// GET /sso/cli/poll/{login_id}.
const CLIPollSecretHeader = "x-litellm-cli-poll-secret"

// Statuses of a classic CLI login, in CLILoginPoll.Status.
const (
	CLILoginPending = "pending"
	CLILoginReady   = "ready"
)

// CLILoginStart answers POST /sso/cli/start. The browser goes to
// /sso/key/generate?source=litellm-cli&key=<LoginID>, where the user types
// UserCode; the CLI polls with PollSecret, which never leaves the CLI.
type CLILoginStart struct {
	LoginID    string `json:"login_id"`
	PollSecret string `json:"poll_secret"`
	UserCode   string `json:"user_code"`
}

// CLILoginPoll answers GET /sso/cli/poll/{login_id}. While the user is in
// the browser, only Status is set, to CLILoginPending. Once they are
// done, Status is CLILoginReady and either RequiresTeamSelection asks the
// CLI to poll again with ?team_id= chosen from TeamDetails, or Key holds
// the session token. A ready answer with a key is given once.
type CLILoginPoll struct {
	Status                string         `json:"status"`
	RequiresTeamSelection bool           `json:"requires_team_selection,omitempty"`
	Key                   string         `json:"key,omitempty"`
	UserID                string         `json:"user_id,omitempty"`
	TeamID                *string        `json:"team_id,omitempty"`
	Teams                 []string       `json:"teams,omitempty"`
	TeamDetails           []CLILoginTeam `json:"team_details,omitempty"`
	// ExpiresIn is the token's lifetime in seconds; 0 when not given.
	ExpiresIn int64 `json:"expires_in,omitempty"`
}

// CLILoginTeam is a team the user may log in to.
type CLILoginTeam struct {
	TeamID    string  `json:"team_id"`
	TeamAlias *string `json:"team_alias"`
}

// CLISession answers GET /sso/cli/session: the session behind the bearer
// token.
type CLISession struct {
	SessionID string    `json:"session_id"`
	UserID    string    `json:"user_id"`
	TeamID    *string   `json:"team_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// CLILogout answers POST /sso/cli/logout.
type CLILogout struct {
	Revoked bool `json:"revoked"`
}
