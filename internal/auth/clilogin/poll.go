package clilogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/auth/signer"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/store"
)

// PollSecretHeader carries the poll secret. LiteLLM's clients send it as
// a header, never in the URL, where logs and proxies would keep it.
const PollSecretHeader = apitype.CLIPollSecretHeader

// maxUserAgent bounds the user agent kept with a session.
const maxUserAgent = 256

// The ready answers of a poll are apitype.CLILoginPoll on the wire, but
// spelled out here: LiteLLM sends "team_id": null and "teams": [] where
// that type, shared with clients, would leave them out.

// selectionResponse asks the CLI to pick one of the user's teams and poll
// again with ?team_id=.
type selectionResponse struct {
	Status                string                 `json:"status"`
	RequiresTeamSelection bool                   `json:"requires_team_selection"`
	UserID                string                 `json:"user_id"`
	Teams                 []string               `json:"teams"`
	TeamDetails           []apitype.CLILoginTeam `json:"team_details"`
}

// readyResponse hands over the token. LiteLLM's fields, plus expires_in
// (seconds), so that a client need not decode the token to know its age.
type readyResponse struct {
	Status    string   `json:"status"`
	Key       string   `json:"key"`
	UserID    string   `json:"user_id"`
	TeamID    *string  `json:"team_id"`
	Teams     []string `json:"teams"`
	ExpiresIn int64    `json:"expires_in"`
}

// poll answers the CLI's polls: pending until the browser has confirmed
// the code, then the token, exactly once.
func (s *Service) poll(w http.ResponseWriter, r *http.Request) error {
	if !s.enabled {
		return errDisabled
	}
	ctx := r.Context()
	l, err := s.lookup(ctx, s.store, r.PathValue("login_id"))
	if err != nil {
		return err
	}
	if !pollSecretMatches(r.Header.Get(PollSecretHeader), l.PollSecretHash) {
		return errBadSecret
	}
	noStore(w)
	if l.Status != store.LoginReady {
		pending := apitype.CLILoginPoll{Status: apitype.CLILoginPending}
		return httpapi.WriteJSON(w, http.StatusOK, pending)
	}

	teams, err := s.store.ListTeams(ctx, store.TeamFilter{UserID: l.UserID})
	if err != nil {
		return fmt.Errorf("poll cli login: %w", err)
	}
	ids := teamIDs(teams)
	teamID := strings.TrimSpace(r.URL.Query().Get("team_id"))
	switch {
	case teamID != "" && !slices.Contains(ids, teamID):
		return httpapi.Errorf(http.StatusBadRequest,
			"User does not belong to team: %s. Available teams: %s",
			teamID, strings.Join(ids, ", "))
	case teamID == "" && len(teams) > 1:
		return httpapi.WriteJSON(w, http.StatusOK, selection(l.UserID, teams))
	case teamID == "" && len(teams) == 1:
		teamID = ids[0]
	}

	tok, sess, err := s.collect(ctx, r, l, teamID)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "session issued", "user_id", sess.UserID,
		"session_id", sess.ID, "team_id", sess.TeamID, "expires_at", sess.ExpiresAt)
	resp := readyResponse{
		Status: apitype.CLILoginReady, Key: tok, UserID: sess.UserID, Teams: ids,
		ExpiresIn: int64(sess.ExpiresAt.Sub(sess.CreatedAt) / time.Second),
	}
	if teamID != "" {
		resp.TeamID = &teamID
	}
	return httpapi.WriteJSON(w, http.StatusOK, resp)
}

// collect ends login l: in one transaction it deletes the login, creates
// the session and signs its token, so that of two polls racing for the
// same login one gets the token and the other errGone, and a failure
// leaves the login to poll again.
func (s *Service) collect(ctx context.Context, r *http.Request, l *store.PendingLogin,
	teamID string) (string, *store.Session, error) {
	id, err := uuid.NewRandomFromReader(s.rand)
	if err != nil {
		return "", nil, fmt.Errorf("collect cli login: session id: %w", err)
	}
	// Whole seconds, as in the token, so that the row and the token agree.
	now := s.now().UTC().Truncate(time.Second)
	sess := &store.Session{
		ID:        id.String(),
		UserID:    l.UserID,
		TeamID:    teamID,
		CreatedAt: now,
		ExpiresAt: now.Add(s.ttl),
		UserAgent: truncate(r.UserAgent(), maxUserAgent),
		Address:   clientAddr(r.RemoteAddr),
	}
	var tok string
	err = s.store.InTx(ctx, func(tx store.Tx) error {
		cur, err := s.lookup(ctx, tx, l.ID)
		if err != nil {
			return err
		}
		if cur.Status != store.LoginReady || cur.UserID != l.UserID {
			return errGone
		}
		if err := tx.DeletePendingLogin(ctx, l.ID); err != nil {
			return err
		}
		u, err := tx.GetUser(ctx, cur.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return errGone // the user was deleted since signing in
		} else if err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		tok, err = s.signer.Issue(signer.Claims{
			Subject: u.ID, SessionID: sess.ID, Email: u.Email, Role: u.Role, TeamID: teamID,
			IssuedAt: sess.CreatedAt, ExpiresAt: sess.ExpiresAt,
		})
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("collect cli login: %w", err)
	}
	return tok, sess, nil
}

func selection(userID string, teams []*store.Team) selectionResponse {
	resp := selectionResponse{
		Status: apitype.CLILoginReady, RequiresTeamSelection: true, UserID: userID,
		Teams: teamIDs(teams), TeamDetails: make([]apitype.CLILoginTeam, 0, len(teams)),
	}
	for _, t := range teams {
		d := apitype.CLILoginTeam{TeamID: t.ID}
		if t.Alias != "" {
			d.TeamAlias = &t.Alias
		}
		resp.TeamDetails = append(resp.TeamDetails, d)
	}
	return resp
}

func teamIDs(teams []*store.Team) []string {
	ids := make([]string, 0, len(teams))
	for _, t := range teams {
		ids = append(ids, t.ID)
	}
	return ids
}

// truncate cuts s to at most n bytes of valid UTF-8: a client's header
// may hold anything, and PostgreSQL refuses invalid text.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
