package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/testenv"
)

// loginTTLHours is the token lifetime the login tests configure, so that
// a gateway that ignores it (and issues 24 h tokens) is caught.
const loginTTLHours = 48

// ttlSlack is how far a token's expiry may be from its login's time plus
// its lifetime: the time between the gateway's clock reading and ours.
const ttlSlack = 2 * time.Minute

// TestLoginWithDex logs a developer in with litellm-proxy login through
// Dex, the company's identity provider here, in Chromium: Dex's form, then
// the gateway's code page. The login then works as the developer's
// credential with their team's models only, and logout ends it.
func TestLoginWithDex(t *testing.T) {
	requireBinaries(t)
	g := startDexGateway(t)
	g.createTeam(t, "team-a", "demo-fast")
	ctx := testenv.Browser(t)

	tm := newTerminal(t, g.url)
	lr, code := loginWithDex(t, ctx, tm, testenv.DefaultDexUser)
	r := lr.wait(t)
	t.Logf("login through Dex took %v, from starting litellm-proxy login to its exit "+
		"(the goal is under 5 s)", lr.took.Round(time.Millisecond))
	checkLogin(t, g, tm, r, wantLogin{
		email: testenv.DefaultDexUser.Email, role: apitype.RoleInternalUser, team: "team-a",
		models: []string{"demo-fast"}, issued: lr.begin, code: code,
	})
}

// BenchmarkLoginWithDex measures whole logins through Dex against one
// gateway, from starting litellm-proxy login to its exit, browser
// included. The CLI polls every 2 s, which dominates the figure.
//
// The gateway lets one address start 10 logins at once and one more
// every 6 s; past the tenth login, the benchmark waits that long between
// logins with the timer stopped.
func BenchmarkLoginWithDex(b *testing.B) {
	requireBinaries(b)
	g := startDexGateway(b)
	g.createTeam(b, "team-a", "demo-fast")
	ctx := testenv.Browser(b)

	const burst, refill = 10, 6 * time.Second
	var total time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if i >= burst {
			time.Sleep(refill)
		}
		// Sign in afresh each time, as a developer does once a day.
		if err := chromedp.Do(ctx, clearCookies); err != nil {
			b.Fatalf("clear the browser's cookies: %v", err)
		}
		tm := newTerminal(b, g.url)
		b.StartTimer()

		lr, _ := loginWithDex(b, ctx, tm, testenv.DefaultDexUser)
		if r := lr.wait(b); r.code != 0 {
			b.Fatalf("litellm-proxy login: %v", r)
		}
		total += lr.took
	}
	b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms/op")
}

func clearCookies(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
	return chromedp.Void{}, err
}

// startDexGateway starts Dex and a gateway that signs people in through
// it, on a port reserved first so that Dex knows the gateway's redirect
// URI. Groups become teams of the same name (SSO_TEAM_GROUPS=*).
func startDexGateway(tb testing.TB) *gateway {
	tb.Helper()
	port := testenv.FreePort(tb)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	d := testenv.Dex(tb, testenv.DexOptions{RedirectURIs: []string{base + "/sso/callback"}})
	return startGateway(tb, gatewayOptions{port: port, env: map[string]string{
		"EXPERIMENTAL_UI_LOGIN":            "True",
		"GENERIC_CLIENT_ID":                d.ClientID,
		"GENERIC_CLIENT_SECRET":            d.ClientSecret,
		"GENERIC_ISSUER_URL":               d.Issuer,
		"GENERIC_SCOPE":                    "openid email profile groups",
		"SSO_TEAM_GROUPS":                  "*",
		"PROXY_BASE_URL":                   base,
		"LITELLM_CLI_JWT_EXPIRATION_HOURS": strconv.Itoa(loginTTLHours),
	}})
}

// loginWithDex starts litellm-proxy login in tm, signs u in at Dex in the
// browser of ctx and confirms the code. It returns the login, which then
// collects its token, and the code.
func loginWithDex(tb testing.TB, ctx context.Context, tm terminal,
	u testenv.DexUser) (*loginRun, string) {
	tb.Helper()
	lr, url, code := startLogin(tb, tm)
	if err := signInAtDex(ctx, url, u); err != nil {
		tb.Fatal(err)
	}
	page, err := confirmCode(ctx, code)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.Contains(page, successText) || !strings.Contains(page, u.Email) {
		tb.Fatalf("after the code, the page does not say %q for %s:\n%s",
			successText, u.Email, page)
	}
	return lr, code
}

// TestLoginBuiltIn logs in through the gateway's own login page, without
// any identity provider: the admin with the master key (UI_PASSWORD is
// unset), and a user an admin gave a password. A wrong password or code
// is refused on the page and the login waits for the right one.
func TestLoginBuiltIn(t *testing.T) {
	requireBinaries(t)
	g := startGateway(t, gatewayOptions{env: map[string]string{
		"EXPERIMENTAL_UI_LOGIN":            "True",
		"LITELLM_CLI_JWT_EXPIRATION_HOURS": strconv.Itoa(loginTTLHours),
	}})
	g.createTeam(t, "team-a", "demo-fast")
	const email, password = "dev@example.com", "dev-password-0123"
	g.createUser(t, email, password, "team-a")
	ctx := testenv.Browser(t)

	t.Run("admin with the master key", func(t *testing.T) {
		tm := newTerminal(t, g.url)
		lr, url, code := startLogin(t, tm)
		if err := signInBuiltIn(ctx, url, "admin", masterKey); err != nil {
			t.Fatal(err)
		}
		// The pages name the admin by user id: PROXY_ADMIN_ID's default.
		mustConfirm(t, ctx, code, "default_user_id")
		checkLogin(t, g, tm, lr.wait(t), wantLogin{
			role: apitype.RoleProxyAdmin, models: []string{"demo-fast", "demo-smart"},
			issued: lr.begin, code: code,
		})
	})

	t.Run("user with a password", func(t *testing.T) {
		tm := newTerminal(t, g.url)
		lr, url, code := startLogin(t, tm)

		if err := signInBuiltIn(ctx, url, email, "wrong-password"); err != nil {
			t.Fatal(err)
		}
		mustShow(t, ctx, "Invalid username or password.")
		if err := signInBuiltIn(ctx, "", email, password); err != nil {
			t.Fatal(err)
		}
		page, err := confirmCode(ctx, wrongCode(code))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, "Invalid verification code") {
			t.Fatalf("a wrong code: the page does not say so:\n%s", page)
		}
		if !lr.running() {
			t.Fatalf("login exited after a wrong password and a wrong code: %v", lr.result())
		}
		mustConfirm(t, ctx, code, email)
		checkLogin(t, g, tm, lr.wait(t), wantLogin{
			email: email, role: apitype.RoleInternalUser, team: "team-a",
			models: []string{"demo-fast"}, issued: lr.begin, code: code,
		})
	})
}

// mustConfirm types code on the complete page and checks that the login
// succeeded for account.
func mustConfirm(t *testing.T, ctx context.Context, code, account string) {
	t.Helper()
	page, err := confirmCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, successText) || !strings.Contains(page, account) {
		t.Fatalf("after the code, the page does not say %q for %s:\n%s",
			successText, account, page)
	}
}

// mustShow fails t unless the browser's page holds text.
func mustShow(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	page, err := pageText(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, text) {
		t.Fatalf("the page does not say %q:\n%s", text, page)
	}
}

// wrongCode returns a code of the right shape that is not code.
func wrongCode(code string) string {
	if strings.HasPrefix(code, "BBBB") {
		return "CCCC" + code[4:]
	}
	return "BBBB" + code[4:]
}

// wantLogin is what a finished login must have stored and allow.
type wantLogin struct {
	email, role, team string
	models            []string
	issued            time.Time // when the login started; the token is issued after
	code              string    // the verification code, which the gateway must not log
}

// whoamiJSON is the part of whoami --format json the tests read.
type whoamiJSON struct {
	UserEmail string     `json:"user_email"`
	UserRole  string     `json:"user_role"`
	TeamID    string     `json:"team_id"`
	ExpiresAt *time.Time `json:"expires_at"`
	Expired   bool       `json:"expired"`
	BaseURL   string     `json:"base_url"`
	Storage   string     `json:"storage"`
}

// checkLogin checks a finished login in tm: the output of login, the
// stored credential, whoami and models list; then that logout ends the
// session on the gateway.
func checkLogin(t *testing.T, g *gateway, tm terminal, r result, want wantLogin) {
	t.Helper()
	if r.code != 0 || !strings.Contains(r.stdout, "Login successful!") {
		t.Fatalf("litellm-proxy login: want exit 0 and \"Login successful!\" on stdout, "+
			"got %v", r)
	}
	token := checkCredentialFile(t, tm, g.url)

	var who whoamiJSON
	tm.runJSON(t, &who, "whoami", "--format", "json")
	got := whoamiJSON{UserEmail: who.UserEmail, UserRole: who.UserRole, TeamID: who.TeamID,
		BaseURL: who.BaseURL, Storage: who.Storage}
	wantWho := whoamiJSON{UserEmail: want.email, UserRole: want.role, TeamID: want.team,
		BaseURL: g.url, Storage: "file"}
	if diff := cmp.Diff(wantWho, got); diff != "" {
		t.Errorf("whoami --format json (-want +got):\n%s", diff)
	}
	checkExpiry(t, who, want.issued)

	var list apitype.ModelList
	tm.runJSON(t, &list, "models", "list", "--format", "json")
	if diff := cmp.Diff(want.models, modelIDs(list)); diff != "" {
		t.Errorf("models list --format json: ids (-want +got):\n%s", diff)
	}
	pr := tm.run(t, "auth", "print-token")
	if pr.code != 0 || pr.stdout != token+"\n" {
		t.Errorf("auth print-token: want exit 0 and the stored token alone on stdout, "+
			"got exit %d and %d bytes", pr.code, len(pr.stdout))
	}

	checkLogout(t, g, tm, token)
	for what, s := range map[string]string{"token": token, "verification code": want.code} {
		if strings.Contains(g.stderr.String(), s) {
			t.Errorf("the gateway's log shows the login's %s", what)
		}
	}
}

// checkCredentialFile checks ~/.litellm/token.json of tm: private, for
// the gateway at base, holding a token, which it returns.
func checkCredentialFile(t *testing.T, tm terminal, base string) string {
	t.Helper()
	dir := filepath.Join(tm.home, ".litellm")
	path := filepath.Join(dir, "token.json")
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("credential: %v", err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %#o, want %#o", p, got, want)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cred struct {
		BaseURL string `json:"base_url"`
		Key     string `json:"key"`
	}
	if err := json.Unmarshal(data, &cred); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cred.BaseURL != base || cred.Key == "" {
		t.Fatalf("%s: base_url %q and a key of %d bytes; want %q and a key",
			path, cred.BaseURL, len(cred.Key), base)
	}
	return cred.Key
}

// checkExpiry checks that the login expires loginTTLHours after it was
// issued, some time after issued.
func checkExpiry(t *testing.T, who whoamiJSON, issued time.Time) {
	t.Helper()
	if who.ExpiresAt == nil || who.Expired {
		t.Errorf("whoami --format json: expires_at %v, expired %v; want a time ahead",
			who.ExpiresAt, who.Expired)
		return
	}
	ttl := loginTTLHours * time.Hour
	earliest, latest := issued.Add(ttl-ttlSlack), time.Now().Add(ttl+ttlSlack)
	if exp := *who.ExpiresAt; exp.Before(earliest) || exp.After(latest) {
		t.Errorf("whoami --format json: expires at %v, %v from now; want %d h after the login",
			exp, time.Until(exp).Round(time.Second), loginTTLHours)
	}
}

// checkLogout logs tm out and checks that token, its login's token, no
// longer works and that the login is gone.
func checkLogout(t *testing.T, g *gateway, tm terminal, token string) {
	t.Helper()
	if status := g.modelsStatus(t, token); status != http.StatusOK {
		t.Fatalf("GET /v1/models with the login's token: status %d, want 200", status)
	}
	if r := tm.run(t, "logout"); r.code != 0 {
		t.Fatalf("litellm-proxy logout: %v", r)
	}
	if status := g.modelsStatus(t, token); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/models with the token after logout: status %d, want 401", status)
	}
	r := tm.run(t, "whoami")
	if r.code != 4 || !strings.Contains(r.stderr, "not logged in") {
		t.Errorf("whoami after logout: want exit 4 and \"not logged in\" on stderr, got %v", r)
	}
	if _, err := os.Stat(filepath.Join(tm.home, ".litellm", "token.json")); err == nil {
		t.Errorf("~/.litellm/token.json still there after logout")
	}
}
