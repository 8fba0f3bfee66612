package testenv

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

func TestFillAndSubmit(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><form method="post" action="/done">
			<input id="name" name="name"><input id="team" name="team" value="old">
			<button id="go">Go</button></form>`)
	})
	mux.HandleFunc("POST /done", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<!doctype html><p>hello %s of %s</p>",
			r.PostFormValue("name"), r.PostFormValue("team"))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	ctx := Browser(t)

	fields := map[string]string{"#name": "Ada", "#team": "team-a"}
	if err := FillAndSubmit(ctx, ts.URL, fields, "#go"); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p")))
	if err != nil {
		t.Fatal(err)
	}
	if want := "hello Ada of team-a"; text != want {
		t.Errorf("page says %q, want %q", text, want)
	}
}

// TestBrowserLoginAtDex signs in at Dex with a browser, as a developer
// does during the gateway's SSO login: a small relying party in place of
// the gateway sends the browser to Dex, which sends it back with a code
// that the relying party redeems for a verified ID token.
func TestBrowserLoginAtDex(t *testing.T) {
	// Reserve the relying party's port first: Dex must know the redirect
	// URI when it starts, as it must know the gateway's.
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
	redirect := "http://" + addr + "/sso/callback"
	d := Dex(t, DexOptions{RedirectURIs: []string{redirect}})
	ctx := Browser(t)
	rp := newRelyingParty(t, d, redirect)
	ts := httptest.NewUnstartedServer(rp)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	defer ts.Close()

	start := time.Now()
	u := DefaultDexUser
	fields := map[string]string{"#login": u.Email, "#password": u.Password}
	if err := FillAndSubmit(ctx, ts.URL+"/login", fields, "#submit-login"); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("browser login at Dex took %v", time.Since(start).Round(time.Millisecond))

	want := "signed in as " + u.Email + " in " + strings.Join(u.Groups, ",")
	if text != want {
		t.Errorf("page says %q, want %q", text, want)
	}
}

// newRelyingParty returns the handler of an OpenID Connect relying party
// for Dex's client: /login starts the authorization code flow with PKCE,
// and the callback at redirect ends it.
func newRelyingParty(t *testing.T, d *DexServer, redirect string) http.Handler {
	provider, err := oidc.NewProvider(t.Context(), d.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: d.ClientID})
	conf := d.OAuth2Config(redirect)
	// One login at a time, so one state and one verifier are enough.
	state, pkce := rand.Text(), oauth2.GenerateVerifier()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		auth := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(pkce))
		http.Redirect(w, r, auth, http.StatusFound)
	})
	callback, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET "+callback.Path, func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("state") != state {
			http.Error(w, "wrong state", http.StatusBadRequest)
			return
		}
		tok, err := conf.Exchange(r.Context(), r.FormValue("code"), oauth2.VerifierOption(pkce))
		if err != nil {
			http.Error(w, "exchange: "+err.Error(), http.StatusBadGateway)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		idToken, err := verifier.Verify(r.Context(), raw)
		if err != nil {
			http.Error(w, "verify: "+err.Error(), http.StatusBadGateway)
			return
		}
		var claims struct {
			Email  string   `json:"email"`
			Groups []string `json:"groups"`
		}
		if err := idToken.Claims(&claims); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "signed in as %s in %s", claims.Email, strings.Join(claims.Groups, ","))
	})
	return mux
}

func TestBrowserMissing(t *testing.T) {
	t.Setenv(ChromiumEnv, "")
	t.Setenv("CI", "")
	old := chromiumPaths
	chromiumPaths = []string{filepath.Join(t.TempDir(), "chromium")}
	defer func() { chromiumPaths = old }()

	r := &recorder{TB: t}
	if ctx := Browser(r); ctx != nil {
		t.Fatal("Browser returned a context without Chromium")
	}
	if !strings.Contains(r.skipped, "SKIP: Chromium not available: apt-get install") {
		t.Errorf("skip message = %q, want it to tell how to install Chromium", r.skipped)
	}
}
