package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/cli/credstore"
)

// whoami is the JSON output of whoami. Times are RFC 3339; a field the
// login does not know is null.
type whoami struct {
	UserEmail string     `json:"user_email"`
	UserID    string     `json:"user_id"`
	UserRole  string     `json:"user_role"`
	TeamID    string     `json:"team_id"`
	IssuedAt  *time.Time `json:"issued_at"`
	AgeHours  *float64   `json:"age_hours"`
	ExpiresAt *time.Time `json:"expires_at"`
	Expired   bool       `json:"expired"`
	BaseURL   string     `json:"base_url"`
	Storage   string     `json:"storage"` // "keychain" or "file"
	Path      string     `json:"path"`    // the credential file, in both cases
	// Session is what the gateway says of the login, with --verify.
	Session *sessionStatus `json:"session,omitempty"`
}

// sessionStatus is the gateway's view of a login.
type sessionStatus struct {
	Status string `json:"status"` // "valid", "revoked" or "expired"
	// Asked is false when the token had expired here and was not sent.
	Asked     bool       `json:"asked"`
	SessionID string     `json:"session_id,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Detail    string     `json:"detail,omitempty"` // the gateway's words when not valid
}

func (a *app) newWhoamiCmd() *cobra.Command {
	var (
		f      format
		verify bool
	)
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show who you are logged in as, and until when",
		Long: "Show the stored login: user, role, team, the token's age and expiry, the\n" +
			"gateway it is for and where it is stored. It works offline and never unlocks\n" +
			"the OS keychain; --verify also asks the gateway whether the session is still\n" +
			"valid, and exits 4 if it is not.",
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, loc, err := a.store.Info(ctx)
			if err != nil {
				return err
			}
			if base := a.explicitBaseURL(cmd); base != "" && !c.For(base) {
				fmt.Fprintf(a.stderr, "note: this login is for %s; commands for %s "+
					"will not use it\n", c.BaseURL, base)
			}
			w := a.describe(c, loc)
			var verr error
			if verify {
				w.Session, verr = a.verifySession(ctx, c)
			}
			if err := a.printWhoami(f, &w); err != nil {
				return err
			}
			if s := w.Session; verr == nil && s != nil && s.Status != "valid" {
				verr = &sessionEndedError{status: s.Status}
				if !s.Asked {
					verr = &expiredError{at: *w.ExpiresAt, now: a.now()}
				}
			}
			return verr
		},
	}
	addFormatFlag(cmd, &f)
	cmd.Flags().BoolVar(&verify, "verify", false,
		"also ask the gateway whether the session is still valid")
	return cmd
}

// describe builds whoami's report from the stored login.
func (a *app) describe(c *credstore.Credential, loc credstore.Location) whoami {
	w := whoami{UserEmail: c.UserEmail, UserID: c.UserID, UserRole: c.UserRole,
		TeamID: c.TeamID, BaseURL: c.BaseURL, Storage: "file", Path: loc.Path}
	if loc.Keychain {
		w.Storage = "keychain"
	}
	if c.Timestamp > 0 {
		iat := time.Unix(c.Timestamp, 0).UTC()
		age := math.Round(a.now().Sub(iat).Hours()*100) / 100
		w.IssuedAt, w.AgeHours = &iat, &age
	}
	if exp := expiresAt(c); !exp.IsZero() {
		exp = exp.UTC()
		w.ExpiresAt, w.Expired = &exp, !a.now().Before(exp)
	}
	return w
}

func (a *app) printWhoami(f format, w *whoami) error {
	if f == formatJSON {
		return printJSON(a.stdout, w)
	}
	var exp time.Time
	if w.ExpiresAt != nil {
		exp = *w.ExpiresAt
	}
	age, issued := "", ""
	if w.IssuedAt != nil {
		issued = when(*w.IssuedAt)
		age = strconv.FormatFloat(*w.AgeHours, 'f', 1, 64) + " hours"
	}
	store := w.Path
	if w.Storage == "keychain" {
		store = credstore.Location{Keychain: true}.String()
	}
	pairs := []string{"Email", w.UserEmail, "User ID", w.UserID, "Role", w.UserRole,
		"Team", w.TeamID, "Issued at", issued, "Token age", age,
		"Expires at", when(exp), "Status", a.expiryStatus(exp),
		"Gateway", w.BaseURL, "Stored in", store}
	if s := w.Session; s != nil {
		pairs = append(pairs, "Session", sessionLine(s))
	}
	return printFields(a.stdout, pairs...)
}

func sessionLine(s *sessionStatus) string {
	switch {
	case !s.Asked:
		return s.Status + "; not sent to the gateway"
	case s.Status == "valid":
		return "valid on the gateway (session " + s.SessionID + ")"
	}
	return s.Status + ", says the gateway (" + s.Detail + ")"
}

// verifySession asks the login's own gateway about its session. An
// expired token is not sent: it is reported expired without asking.
func (a *app) verifySession(ctx context.Context, info *credstore.Credential) (*sessionStatus,
	error) {
	if exp := expiresAt(info); !exp.IsZero() && !a.now().Before(exp) {
		return &sessionStatus{Status: "expired"}, nil // never sent once expired
	}
	c, _, err := a.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	client, err := a.newClient(c.BaseURL, c.Key)
	if err != nil {
		return nil, err
	}
	a.keySource = keyStored
	s, err := client.CLISession(ctx)
	var apiE *apiclient.APIError
	switch {
	case errors.As(err, &apiE) && apiE.Status == http.StatusUnauthorized:
		status := "revoked"
		if strings.Contains(strings.ToLower(apiE.Message), "expired") {
			status = "expired"
		}
		return &sessionStatus{Status: status, Asked: true, Detail: apiE.Message}, nil
	case err != nil:
		return nil, err
	}
	st := &sessionStatus{Status: "valid", Asked: true, SessionID: s.SessionID}
	if !s.ExpiresAt.IsZero() {
		exp := s.ExpiresAt.UTC()
		st.ExpiresAt = &exp
	}
	return st, nil
}

// sessionEndedError is a login the gateway no longer accepts.
type sessionEndedError struct{ status string }

func (e *sessionEndedError) Error() string {
	if e.status == "expired" {
		return "the gateway says this login has expired"
	}
	return "the gateway says this login was " + e.status
}
