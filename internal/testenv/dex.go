package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/oauth2"
)

// DexBinEnv names the environment variable that holds the path of the Dex
// binary. Without it, Dex looks for bin/dex at the module root, then for
// dex on the PATH.
const DexBinEnv = "LITELLM_TEST_DEX_BIN"

const dexHint = "run scripts/build-dex.sh, or set " + DexBinEnv

// Dex's static client, which plays the gateway: a confidential client, as
// the gateway's SSO callback redeems the code with a secret.
const (
	dexClientID     = "gateway"
	dexClientSecret = "gateway-secret"
)

// dexStartTimeout bounds how long Dex may take to serve its discovery
// document. It is ready in well under a second on an idle machine.
const dexStartTimeout = 30 * time.Second

// DexOptions configures the Dex server that Dex starts.
type DexOptions struct {
	// RedirectURIs are the redirect URIs of the client "gateway", such as
	// "http://127.0.0.1:4000/sso/callback". Dex refuses any other.
	RedirectURIs []string

	// Users are the accounts of Dex's password database. Nil means one
	// user, DefaultDexUser.
	Users []DexUser
}

// DexUser is an account of Dex's password database. The user signs in
// with Email and Password on Dex's login form.
type DexUser struct {
	Email    string
	Password string
	Username string
	UserID   string // the subject of the ID token; the Username if empty
	Groups   []string
}

// DefaultDexUser is the only user of a Dex started without DexOptions.Users.
var DefaultDexUser = DexUser{
	Email:    "alice@example.com",
	Password: "alice-password",
	Username: "alice",
	UserID:   "alice-0001",
	Groups:   []string{"team-a"},
}

// DexServer is a running Dex, an OpenID Connect provider, with one
// confidential client for the gateway.
type DexServer struct {
	Issuer       string // "http://127.0.0.1:<port>/dex"
	ClientID     string
	ClientSecret string
}

// OAuth2Config returns the configuration of the gateway's client for the
// authorization code flow at Dex, with the scopes openid, email, profile
// and groups unless others are given.
func (d *DexServer) OAuth2Config(redirectURL string, scopes ...string) *oauth2.Config {
	if len(scopes) == 0 {
		scopes = []string{"openid", "email", "profile", "groups"}
	}
	return &oauth2.Config{
		ClientID:     d.ClientID,
		ClientSecret: d.ClientSecret,
		RedirectURL:  redirectURL,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   d.Issuer + "/auth",
			TokenURL:  d.Issuer + "/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		},
	}
}

// Dex starts Dex on a free port of 127.0.0.1 with an in-memory store and
// the users and redirect URIs of opts, and waits until it serves its
// discovery document. Dex is stopped when the test ends, and its log is
// shown if the test failed. Without a Dex binary, see Require.
func Dex(t testing.TB, opts DexOptions) *DexServer {
	t.Helper()
	bin, err := dexBinary()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if bin == "" {
		Require(t, "Dex", dexHint)
		return nil
	}
	if opts.Users == nil {
		opts.Users = []DexUser{DefaultDexUser}
	}

	dir := t.TempDir()
	// A port that was free a moment ago can be taken before Dex binds it;
	// only that failure is worth another try.
	for range 3 {
		var d *DexServer
		if d, err = startDex(t, bin, dir, opts); err == nil {
			return d
		}
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("testenv: start Dex: %v", err)
	return nil
}

// dexBinary returns the path of the Dex binary, or "" if there is none.
// A binary named by $LITELLM_TEST_DEX_BIN must exist.
func dexBinary() (string, error) {
	if bin := os.Getenv(DexBinEnv); bin != "" {
		if _, err := exec.LookPath(bin); err != nil {
			return "", fmt.Errorf("%s: %w", DexBinEnv, err)
		}
		return bin, nil
	}
	if root, err := moduleRoot(); err == nil {
		bin := filepath.Join(root, "bin", "dex")
		if _, err := exec.LookPath(bin); err == nil {
			return bin, nil
		}
	}
	bin, _ := exec.LookPath("dex")
	return bin, nil
}

// moduleRoot returns the nearest directory, from the working directory
// up, that holds a go.mod. Tests run in their package's directory, so
// that is the root of the module under test.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

var errPortTaken = errors.New("port taken")

// startDex makes one attempt to start Dex on a free port.
func startDex(t testing.TB, bin, dir string, opts DexOptions) (*DexServer, error) {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
	d := &DexServer{
		Issuer:       "http://" + addr + "/dex",
		ClientID:     dexClientID,
		ClientSecret: dexClientSecret,
	}
	config, err := dexConfig(d, addr, opts)
	if err != nil {
		return nil, err
	}
	configPath := filepath.Join(dir, "dex.json")
	if err := os.WriteFile(configPath, config, 0o600); err != nil {
		return nil, err
	}
	logFile, err := os.CreateTemp(dir, "dex-*.log")
	if err != nil {
		return nil, err
	}
	defer logFile.Close()

	cmd := exec.Command(bin, "serve", configPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	err = waitDiscovery(d.Issuer, exited)
	if err != nil {
		stopProcess(cmd.Process, exited)
		log, _ := os.ReadFile(logFile.Name())
		if strings.Contains(string(log), "address already in use") {
			err = errPortTaken
		}
		return nil, fmt.Errorf("%w; log:\n%s", err, log)
	}

	// Cleanups run last in first out: stop Dex, then show its whole log.
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logFile.Name())
			t.Logf("Dex log (%s):\n%s", d.Issuer, log)
		}
	})
	t.Cleanup(func() { stopProcess(cmd.Process, exited) })
	return d, nil
}

// dexConfig returns Dex's configuration. JSON is YAML, and saves quoting.
func dexConfig(d *DexServer, addr string, opts DexOptions) ([]byte, error) {
	type password struct {
		Email    string   `json:"email"`
		Hash     string   `json:"hash"`
		Username string   `json:"username"`
		UserID   string   `json:"userID"`
		Groups   []string `json:"groups,omitempty"`
	}
	passwords := make([]password, len(opts.Users))
	for i, u := range opts.Users {
		// Dex refuses a hash below bcrypt's default cost.
		hash, err := bcrypt.GenerateFromPassword([]byte(u.Password), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("hash password of %s: %w", u.Email, err)
		}
		p := password{u.Email, string(hash), u.Username, u.UserID, u.Groups}
		if p.UserID == "" {
			p.UserID = u.Username
		}
		passwords[i] = p
	}
	redirects := opts.RedirectURIs
	if redirects == nil {
		redirects = []string{} // Dex wants a list, even an empty one
	}

	return json.MarshalIndent(map[string]any{
		"issuer":  d.Issuer,
		"storage": map[string]any{"type": "memory"},
		"web":     map[string]any{"http": addr},
		"oauth2": map[string]any{
			"skipApprovalScreen": true,
			"passwordConnector":  "local",
		},
		"enablePasswordDB": true,
		"staticClients": []map[string]any{{
			"id":           d.ClientID,
			"secret":       d.ClientSecret,
			"name":         "Gateway",
			"redirectURIs": redirects,
		}},
		"staticPasswords": passwords,
	}, "", "  ")
}

// waitDiscovery waits until issuer serves its discovery document, Dex
// exits, or dexStartTimeout passes.
func waitDiscovery(issuer string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), dexStartTimeout)
	defer cancel()
	url := issuer + "/.well-known/openid-configuration"
	for {
		if discoveryServed(ctx, url) {
			return nil
		}
		select {
		case <-exited:
			return errors.New("dex exited")
		case <-ctx.Done():
			return fmt.Errorf("no discovery document at %s after %v", url, dexStartTimeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func discoveryServed(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stopProcess ends p, politely first, and waits until it has exited.
func stopProcess(p *os.Process, exited <-chan struct{}) {
	p.Signal(os.Interrupt)
	select {
	case <-exited:
		return
	case <-time.After(5 * time.Second):
	}
	p.Kill()
	<-exited
}

// FreePort returns a TCP port of 127.0.0.1 that is free now. Reserve the
// gateway's port with it to give Dex the gateway's redirect URI before
// the gateway starts; another process may take the port in between, which
// is rare enough for tests.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
