// Package apitype holds the JSON shapes of the gateway's HTTP API, shared by
// the server and the CLI. Field names follow LiteLLM's proxy so that its
// clients work unchanged; a response type only ever gains fields.
package apitype

import "time"

// Role names, as LiteLLM spells them.
const (
	RoleProxyAdmin         = "proxy_admin"
	RoleProxyAdminViewer   = "proxy_admin_viewer"
	RoleInternalUser       = "internal_user"
	RoleInternalUserViewer = "internal_user_viewer"
)

// DetailError is the error body of management and login routes.
type DetailError struct {
	Detail string `json:"detail"`
}

// ErrorEnvelope is OpenAI's error body, used on /v1/* routes.
type ErrorEnvelope struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody is the inside of an ErrorEnvelope.
type ErrorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

// KeyRequest is the body of /key/generate and /key/update. Absent fields
// are left unchanged by /key/update; "models": [] means every model.
type KeyRequest struct {
	Key            string         `json:"key,omitempty"` // required by /key/update
	KeyAlias       *string        `json:"key_alias,omitempty"`
	Models         []string       `json:"models"`
	MaxBudget      *float64       `json:"max_budget,omitempty"`
	BudgetDuration *string        `json:"budget_duration,omitempty"`
	Duration       *string        `json:"duration,omitempty"` // such as "30d"; empty or absent: never expires
	UserID         *string        `json:"user_id,omitempty"`
	TeamID         *string        `json:"team_id,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	RPMLimit       *int64         `json:"rpm_limit,omitempty"`
	TPMLimit       *int64         `json:"tpm_limit,omitempty"`
	Blocked        *bool          `json:"blocked,omitempty"`
}

// KeyInfo describes a virtual key without its secret.
type KeyInfo struct {
	Token          string         `json:"token"` // hash of the key; identifies it in later calls
	KeyName        string         `json:"key_name"`
	KeyAlias       *string        `json:"key_alias"`
	Spend          float64        `json:"spend"`
	MaxBudget      *float64       `json:"max_budget"`
	BudgetDuration *string        `json:"budget_duration"`
	BudgetResetAt  *time.Time     `json:"budget_reset_at"`
	Expires        *time.Time     `json:"expires"`
	Models         []string       `json:"models"`
	UserID         *string        `json:"user_id"`
	TeamID         *string        `json:"team_id"`
	Metadata       map[string]any `json:"metadata"`
	RPMLimit       *int64         `json:"rpm_limit"`
	TPMLimit       *int64         `json:"tpm_limit"`
	Blocked        bool           `json:"blocked"`
	CreatedBy      *string        `json:"created_by"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// GenerateKeyResponse answers /key/generate. Key is the secret, shown only
// in this response.
type GenerateKeyResponse struct {
	Key string `json:"key"`
	KeyInfo
}

// KeyInfoResponse answers GET /key/info.
type KeyInfoResponse struct {
	Key  string  `json:"key"` // the hash
	Info KeyInfo `json:"info"`
}

// KeyListResponse answers GET /key/list?return_full_object=true.
type KeyListResponse struct {
	Keys        []KeyInfo `json:"keys"`
	TotalCount  int       `json:"total_count"`
	CurrentPage int       `json:"current_page"`
	TotalPages  int       `json:"total_pages"`
}

// DeleteKeysRequest is the body of /key/delete. Keys may be secrets or
// hashes.
type DeleteKeysRequest struct {
	Keys       []string `json:"keys,omitempty"`
	KeyAliases []string `json:"key_aliases,omitempty"`
}

// DeleteKeysResponse answers /key/delete.
type DeleteKeysResponse struct {
	DeletedKeys []string `json:"deleted_keys"`
}

// UserRequest is the body of /user/new and /user/update.
type UserRequest struct {
	UserID         *string        `json:"user_id,omitempty"`
	UserEmail      *string        `json:"user_email,omitempty"`
	UserAlias      *string        `json:"user_alias,omitempty"`
	UserRole       *string        `json:"user_role,omitempty"`
	Teams          []string       `json:"teams,omitempty"` // /user/new only: join these teams
	Models         []string       `json:"models"`
	MaxBudget      *float64       `json:"max_budget,omitempty"`
	BudgetDuration *string        `json:"budget_duration,omitempty"`
	RPMLimit       *int64         `json:"rpm_limit,omitempty"`
	TPMLimit       *int64         `json:"tpm_limit,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	Password       *string        `json:"password,omitempty"`
	AutoCreateKey  *bool          `json:"auto_create_key,omitempty"` // /user/new only; default true
}

// UserInfo describes a user.
type UserInfo struct {
	UserID         string         `json:"user_id"`
	UserEmail      *string        `json:"user_email"`
	UserAlias      *string        `json:"user_alias"`
	UserRole       string         `json:"user_role"`
	Teams          []string       `json:"teams"`
	Models         []string       `json:"models"`
	Spend          float64        `json:"spend"`
	MaxBudget      *float64       `json:"max_budget"`
	BudgetDuration *string        `json:"budget_duration"`
	BudgetResetAt  *time.Time     `json:"budget_reset_at"`
	RPMLimit       *int64         `json:"rpm_limit"`
	TPMLimit       *int64         `json:"tpm_limit"`
	Metadata       map[string]any `json:"metadata"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// NewUserResponse answers /user/new. Key is set when a key was created
// for the user (auto_create_key, the default).
type NewUserResponse struct {
	UserInfo
	Key string `json:"key,omitempty"`
}

// UserInfoResponse answers GET /user/info.
type UserInfoResponse struct {
	UserID   string     `json:"user_id"`
	UserInfo UserInfo   `json:"user_info"`
	Keys     []KeyInfo  `json:"keys"`
	Teams    []TeamInfo `json:"teams"`
}

// UserListResponse answers GET /user/list.
type UserListResponse struct {
	Users      []UserInfo `json:"users"`
	Total      int        `json:"total"`
	Page       int        `json:"page"`
	PageSize   int        `json:"page_size"`
	TotalPages int        `json:"total_pages"`
}

// DeleteUsersRequest is the body of /user/delete.
type DeleteUsersRequest struct {
	UserIDs []string `json:"user_ids"`
}

// DeleteUsersResponse answers /user/delete.
type DeleteUsersResponse struct {
	DeletedUsers []string `json:"deleted_users"`
}

// Member is a user's place in a team. Either UserID or UserEmail names the
// user; Role is "admin" or "user".
type Member struct {
	UserID    string `json:"user_id,omitempty"`
	UserEmail string `json:"user_email,omitempty"`
	Role      string `json:"role"`
}

// TeamRequest is the body of /team/new and /team/update.
type TeamRequest struct {
	TeamID           *string        `json:"team_id,omitempty"`
	TeamAlias        *string        `json:"team_alias,omitempty"`
	Models           []string       `json:"models"`
	MaxBudget        *float64       `json:"max_budget,omitempty"`
	BudgetDuration   *string        `json:"budget_duration,omitempty"`
	RPMLimit         *int64         `json:"rpm_limit,omitempty"`
	TPMLimit         *int64         `json:"tpm_limit,omitempty"`
	Metadata         map[string]any `json:"metadata,omitempty"`
	Blocked          *bool          `json:"blocked,omitempty"`
	MembersWithRoles []Member       `json:"members_with_roles,omitempty"` // /team/new only
}

// TeamInfo describes a team.
type TeamInfo struct {
	TeamID           string         `json:"team_id"`
	TeamAlias        *string        `json:"team_alias"`
	Models           []string       `json:"models"`
	MembersWithRoles []Member       `json:"members_with_roles"`
	Spend            float64        `json:"spend"`
	MaxBudget        *float64       `json:"max_budget"`
	BudgetDuration   *string        `json:"budget_duration"`
	BudgetResetAt    *time.Time     `json:"budget_reset_at"`
	RPMLimit         *int64         `json:"rpm_limit"`
	TPMLimit         *int64         `json:"tpm_limit"`
	Metadata         map[string]any `json:"metadata"`
	Blocked          bool           `json:"blocked"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
}

// TeamInfoResponse answers GET /team/info.
type TeamInfoResponse struct {
	TeamID   string    `json:"team_id"`
	TeamInfo TeamInfo  `json:"team_info"`
	Keys     []KeyInfo `json:"keys"`
}

// TeamMemberAddRequest is the body of /team/member_add. Member is a single
// Member or a list of them, as LiteLLM accepts both.
type TeamMemberAddRequest struct {
	TeamID string  `json:"team_id"`
	Member Members `json:"member"`
}

// TeamMemberDeleteRequest is the body of /team/member_delete.
type TeamMemberDeleteRequest struct {
	TeamID    string `json:"team_id"`
	UserID    string `json:"user_id,omitempty"`
	UserEmail string `json:"user_email,omitempty"`
}

// DeleteTeamsRequest is the body of /team/delete.
type DeleteTeamsRequest struct {
	TeamIDs []string `json:"team_ids"`
}

// DeleteTeamsResponse answers /team/delete.
type DeleteTeamsResponse struct {
	DeletedTeams []string `json:"deleted_teams"`
}

// Model is one entry of GET /v1/models, in OpenAI's shape.
type Model struct {
	ID      string `json:"id"`
	Object  string `json:"object"` // always "model"
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// ModelList answers GET /v1/models.
type ModelList struct {
	Object string  `json:"object"` // always "list"
	Data   []Model `json:"data"`
}

// Deployment is one entry of /model/info, and the body of /model/new.
// LitellmParams never carries a provider key in a response.
type Deployment struct {
	ModelName     string         `json:"model_name"`
	LitellmParams map[string]any `json:"litellm_params"`
	ModelInfo     map[string]any `json:"model_info"`
}

// DeploymentList answers GET /model/info.
type DeploymentList struct {
	Data []Deployment `json:"data"`
}

// DeleteModelRequest is the body of /model/delete.
type DeleteModelRequest struct {
	ID string `json:"id"`
}

// Readiness answers GET /health/readiness.
type Readiness struct {
	Status         string `json:"status"` // "healthy" or "unhealthy"
	DB             string `json:"db"`     // "connected" or "disconnected"
	LitellmVersion string `json:"litellm_version"`
}
