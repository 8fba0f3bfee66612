package clilogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

var (
	errNoToken = httpapi.Errorf(http.StatusUnauthorized,
		"No session token provided. Send it as 'Authorization: Bearer <token>'.")
	// A forged, revoked or foreign token gets the Authenticator's one
	// answer, so that a caller learns nothing from it.
	errBadToken = auth.ErrInvalidToken
	errExpired  = auth.ErrLoginExpired
)

// SessionInfo describes a session in GET /session/list: the fields of
// apitype.CLISession and what admins need besides. Times are RFC 3339, in
// UTC.
type SessionInfo struct {
	SessionID  string     `json:"session_id"`
	UserID     string     `json:"user_id"`
	TeamID     *string    `json:"team_id"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	UserAgent  string     `json:"user_agent,omitempty"`
	Address    string     `json:"address,omitempty"`
}

func info(s *store.Session) SessionInfo {
	return SessionInfo{SessionID: s.ID, UserID: s.UserID, TeamID: teamOf(s),
		CreatedAt: s.CreatedAt.UTC(), ExpiresAt: s.ExpiresAt.UTC(),
		LastUsedAt: s.LastUsedAt, RevokedAt: s.RevokedAt,
		UserAgent: s.UserAgent, Address: s.Address}
}

func teamOf(s *store.Session) *string {
	if s.TeamID == "" {
		return nil
	}
	return &s.TeamID
}

// bearerSession verifies the caller's session token and returns its
// session row, revoked or not. Logout and the session check do not go
// through the Authenticator: a second logout of a revoked session must
// succeed, and someone removed from their team must still be able to log
// out.
func (s *Service) bearerSession(r *http.Request) (*store.Session, error) {
	tok := auth.Credential(r)
	if tok == "" {
		return nil, errNoToken
	}
	c, err := s.signer.Verify(r.Context(), tok)
	if errors.Is(err, signer.ErrExpired) {
		return nil, errExpired
	}
	if err != nil {
		return nil, errBadToken
	}
	sess, err := s.store.GetSession(r.Context(), c.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	if sess.UserID != c.Subject {
		return nil, errBadToken
	}
	return sess, nil
}

// logout revokes the caller's own session. Revoking twice succeeds, so a
// CLI that retries after a lost answer is not told it failed.
func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.bearerSession(r)
	if err != nil {
		return err
	}
	if sess.RevokedAt == nil {
		if err := s.revoke(r.Context(), sess, sess.UserID); err != nil {
			return err
		}
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.CLILogout{Revoked: true})
}

// session describes the caller's session, for `litellm-proxy whoami
// --verify`: a token that verifies offline may still be revoked.
func (s *Service) session(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.bearerSession(r)
	if err != nil {
		return err
	}
	if sess.RevokedAt != nil {
		return errBadToken
	}
	return httpapi.WriteJSON(w, http.StatusOK, apitype.CLISession{
		SessionID: sess.ID, UserID: sess.UserID, TeamID: teamOf(sess),
		CreatedAt: sess.CreatedAt.UTC(), ExpiresAt: sess.ExpiresAt.UTC(),
	})
}

// revoke ends sess, tells the gateway to drop cached principals and
// records who did it.
func (s *Service) revoke(ctx context.Context, sess *store.Session, by string) error {
	if err := s.store.RevokeSession(ctx, sess.ID, s.now()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errBadToken
		}
		return fmt.Errorf("revoke session: %w", err)
	}
	if s.revoked != nil {
		s.revoked()
	}
	s.log.InfoContext(ctx, "session revoked",
		"user_id", sess.UserID, "session_id", sess.ID, "by", by)
	return nil
}

// listSessions answers GET /session/list. Admins and admin viewers see
// every session, or one user's with ?user_id=; anyone else only their own.
func (s *Service) listSessions(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	userID := r.URL.Query().Get("user_id")
	if !p.CanReadAll() {
		if p.UserID == "" || (userID != "" && userID != p.UserID) {
			return auth.Forbidden(p, apitype.RoleProxyAdmin, apitype.RoleProxyAdminViewer)
		}
		userID = p.UserID
	}
	list, err := s.store.ListSessions(r.Context(), store.SessionFilter{UserID: userID})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	out := make([]SessionInfo, 0, len(list))
	for _, sess := range list {
		out = append(out, info(sess))
	}
	return httpapi.WriteJSON(w, http.StatusOK, map[string][]SessionInfo{"sessions": out})
}

// revokeSession answers POST /session/revoke. Proxy admins revoke any
// session; anyone else only their own.
func (s *Service) revokeSession(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	var in struct {
		SessionID string `json:"session_id"`
	}
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.SessionID == "" {
		return httpapi.Errorf(http.StatusBadRequest, "session_id is required")
	}
	sess, err := s.store.GetSession(r.Context(), in.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return httpapi.Errorf(http.StatusNotFound, "Session not found: %s", in.SessionID)
	}
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	if !p.IsAdmin() && (p.UserID == "" || sess.UserID != p.UserID) {
		return auth.Forbidden(p, apitype.RoleProxyAdmin)
	}
	by := p.UserID
	if p.Master {
		by = "master_key"
	}
	if sess.RevokedAt == nil {
		if err := s.revoke(r.Context(), sess, by); err != nil {
			return err
		}
	}
	return httpapi.WriteJSON(w, http.StatusOK,
		map[string]any{"revoked": true, "session_id": sess.ID})
}

// jwks publishes the public keys of session tokens, so that other
// services can verify them (RFC 7517 §5).
func (s *Service) jwks(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	// Short, so that a key rotated in is published soon enough.
	h.Set("Cache-Control", "public, max-age=300")
	w.Write(s.signer.JWKS())
}
