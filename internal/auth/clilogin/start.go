package clilogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/httpapi"
	"github.com/litellm-go/gateway/internal/secret"
	"github.com/litellm-go/gateway/internal/store"
)

// LoginTTL is how long a started login waits for the browser and the
// terminal, as in LiteLLM.
const LoginTTL = 600 * time.Second

// start begins a login. It takes no body and no credential, so it is
// rate-limited per client address. The poll secret and the code appear in
// its answer once; the store keeps only their hashes.
func (s *Service) start(w http.ResponseWriter, r *http.Request) error {
	if !s.enabled {
		return errDisabled
	}
	now := s.now()
	if ok, wait := s.starts.allow(clientKey(r.RemoteAddr), now); !ok {
		s.log.InfoContext(r.Context(), "cli login start refused: rate limit",
			"address", clientAddr(r.RemoteAddr))
		return tooMany(wait)
	}

	resp, l, err := s.newLogin(clientAddr(r.RemoteAddr), now)
	if err != nil {
		return fmt.Errorf("start cli login: %w", err)
	}
	if err := s.store.CreatePendingLogin(r.Context(), l); err != nil {
		return fmt.Errorf("start cli login: %w", err)
	}
	s.log.DebugContext(r.Context(), "cli login started", "login_id", l.ID)

	noStore(w)
	return httpapi.WriteJSON(w, http.StatusOK, resp)
}

// newLogin makes the secrets of a login and the record that keeps their
// hashes.
func (s *Service) newLogin(addr string, now time.Time) (*apitype.CLILoginStart,
	*store.PendingLogin, error) {
	id, err := s.random(secretBytes)
	if err != nil {
		return nil, nil, err
	}
	pollSecret, err := s.random(secretBytes)
	if err != nil {
		return nil, nil, err
	}
	code, err := s.userCode()
	if err != nil {
		return nil, nil, err
	}
	resp := &apitype.CLILoginStart{
		LoginID: loginPrefix + id, PollSecret: pollSecret, UserCode: code,
	}
	l := &store.PendingLogin{
		ID:             resp.LoginID,
		PollSecretHash: secret.HashKey(pollSecret),
		UserCodeHash:   s.codeHash(code),
		Status:         store.LoginPending,
		Address:        addr,
		CreatedAt:      now,
		ExpiresAt:      now.Add(LoginTTL),
	}
	return resp, l, nil
}

// lookup returns the unexpired login with the given id, read through tx
// (or the store itself), or errBadID, errLegacy or errGone.
func (s *Service) lookup(ctx context.Context, tx store.Tx, id string) (*store.PendingLogin, error) {
	if err := checkLoginID(id); err != nil {
		return nil, err
	}
	l, err := tx.GetPendingLogin(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errGone
	}
	if err != nil {
		return nil, fmt.Errorf("load cli login: %w", err)
	}
	if !s.now().Before(l.ExpiresAt) {
		return nil, errGone
	}
	return l, nil
}

// checkLoginID refuses ids that no login of ours can have. LiteLLM's
// CLIs before the hardened flow used a would-be API key ("sk-...") as the
// id; they get told to upgrade.
func checkLoginID(id string) error {
	if strings.HasPrefix(id, "sk-") {
		return errLegacy
	}
	if !validLoginID(id) {
		return errBadID
	}
	return nil
}
