package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/litellm-go/gateway/internal/apiclient"
	"github.com/litellm-go/gateway/internal/apitype"
)

// maxPollFailures is how many polls in a row may fail for a passing
// reason (gateway restarting, network blip) before login gives up. The
// pending login is kept by the gateway, so a poll after a failure can
// still collect it.
const maxPollFailures = 5

// awaitLogin polls the gateway until it hands out the token, asking for a
// team if it wants one. It gives up after o.timeout, and when ctx ends.
func (a *app) awaitLogin(ctx context.Context, c *apiclient.Client,
	s *apitype.CLILoginStart, o loginOptions) (*apitype.CLILoginPoll, error) {
	wctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	p := a.newProgress(a.now().Add(o.timeout))
	p.start()
	r, err := a.pollLogin(wctx, c, s, o, p)
	p.stop()

	switch {
	case err == nil:
		return r, nil
	case ctx.Err() != nil:
		return nil, errLoginCanceled
	case wctx.Err() != nil:
		return nil, &loginTimeoutError{after: o.timeout}
	}
	return nil, err
}

func (a *app) pollLogin(ctx context.Context, c *apiclient.Client, s *apitype.CLILoginStart,
	o loginOptions, p *progress) (*apitype.CLILoginPoll, error) {
	var team string
	failures := 0
	for {
		r, err := c.PollCLILogin(ctx, s.LoginID, s.PollSecret, team)
		switch {
		case err != nil && ctx.Err() == nil && passing(err) && failures < maxPollFailures:
			failures++
			_, msg := a.explain(err)
			p.note("warning: " + msg + " Still trying.")
		case err != nil:
			return nil, loginFailed("poll", c.BaseURL(), err)
		case r.Status == apitype.CLILoginReady && r.RequiresTeamSelection:
			if team != "" {
				return nil, pollError(fmt.Errorf("asked again for a team after team %s", team))
			}
			p.pause()
			if team, err = a.selectTeam(ctx, o.team, teamsOf(r)); err != nil {
				return nil, err
			}
			p.resume()
			continue // the gateway is ready: no need to wait
		case r.Status == apitype.CLILoginReady && r.Key == "":
			return nil, pollError(errors.New("ready without a token"))
		case r.Status == apitype.CLILoginReady:
			if o.team != "" && team == "" {
				p.note(fmt.Sprintf("note: the gateway did not ask for a team (it chose %s); "+
					"--team %s played no part", cell(str(r.TeamID)), cell(o.team)))
			}
			return r, nil
		case r.Status == apitype.CLILoginPending:
			failures = 0
		default:
			return nil, pollError(fmt.Errorf("unknown status %q", r.Status))
		}
		p.tick()
		if err := sleep(ctx, a.pollInterval); err != nil {
			return nil, err
		}
	}
}

// passing reports whether a failed poll is worth repeating: the gateway
// was unreachable or failed on its side.
func passing(err error) bool {
	var (
		netE *apiclient.UnreachableError
		apiE *apiclient.APIError
	)
	return errors.As(err, &netE) ||
		errors.As(err, &apiE) && apiE.Status >= http.StatusInternalServerError
}

func pollError(err error) error {
	return &apiclient.DecodeError{Route: "GET /sso/cli/poll", Err: err}
}

// teamsOf returns the teams a ready answer offers, with their aliases
// when the gateway gave them.
func teamsOf(r *apitype.CLILoginPoll) []apitype.CLILoginTeam {
	if len(r.TeamDetails) > 0 {
		return r.TeamDetails
	}
	teams := make([]apitype.CLILoginTeam, len(r.Teams))
	for i, id := range r.Teams {
		teams[i].TeamID = id
	}
	return teams
}

// sleep waits for d, or returns ctx's error when it ends first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
