package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
)

// mistakes is a config with one mistake per line marked, each of which
// --check_config must report in the same run.
const mistakes = `
model_list:
  - model_name: demo-fast
    litellm_params:                  # no model
      mock_response: "hi"
  - litellm_params:                  # no model_name
      model: openai/demo-smart
      rpm: lots                      # not a number
litellm_settings:
  num_retries: -1                    # negative
general_settings:
  master_key: e2e-secret-not-sk      # no sk- prefix
`

// TestGatewayLifecycle checks the gateway binary's own behaviour: config
// checks, version, refusing a weak master key, sharing and reopening the
// SQLite file.
//
// Shutdown during a slow request is not covered: no route can be made slow
// until the gateway proxies chat completions.
func TestGatewayLifecycle(t *testing.T) {
	requireBinaries(t)
	env := map[string]string{"LITELLM_MASTER_KEY": masterKey}

	t.Run("check_config accepts the example", func(t *testing.T) {
		config := filepath.Join(exampleConfigDir(t), "config.yaml")
		r := run(t, env, bin.litellm, "--check_config", "--config", config)
		if r.code != 0 || !strings.Contains(r.stdout, "valid") {
			t.Errorf("litellm --check_config: want exit 0 and \"valid\" on stdout, got %v", r)
		}
	})

	t.Run("check_config reports every problem", func(t *testing.T) {
		config := filepath.Join(configDir(t, mistakes), "config.yaml")
		r := run(t, env, bin.litellm, "--check_config", "--config", config)
		if r.code != 1 || r.stdout != "" {
			t.Errorf("litellm --check_config: want exit 1 and nothing on stdout, got %v", r)
		}
		for _, path := range []string{
			"model_list[0].litellm_params.model",
			"model_list[1].model_name",
			"model_list[1].litellm_params.rpm",
			"litellm_settings.num_retries",
			"general_settings.master_key",
		} {
			if !strings.Contains(r.stderr, path+":") {
				t.Errorf("stderr does not report %s:\n%s", path, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "e2e-secret-not-sk") {
			t.Errorf("stderr shows the master key:\n%s", r.stderr)
		}
	})

	t.Run("version", func(t *testing.T) {
		r := run(t, nil, bin.litellm, "--version")
		if r.code != 0 || !regexp.MustCompile(`^litellm \S+`).MatchString(r.stdout) {
			t.Errorf("litellm --version: want exit 0 and \"litellm VERSION\", got %v", r)
		}
	})

	t.Run("master key without sk- refuses to start", testWeakMasterKey)
	t.Run("two gateways share one SQLite file", testSharedSQLite)
	t.Run("a key survives a restart", testRestart)
}

func testWeakMasterKey(t *testing.T) {
	const secret = "e2e-secret-not-sk-0123456789"
	example, err := os.ReadFile(filepath.Join(moduleRoot, "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inFile := strings.Replace(string(example), "os.environ/LITELLM_MASTER_KEY", secret, 1)
	if inFile == string(example) {
		t.Fatal("config.example.yaml no longer reads the master key from LITELLM_MASTER_KEY")
	}
	tests := []struct {
		name   string
		config string
		env    map[string]string
	}{
		{"in the config file", inFile, nil},
		{"from LITELLM_MASTER_KEY", string(example),
			map[string]string{"LITELLM_MASTER_KEY": secret}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port, err := freePort()
			if err != nil {
				t.Fatal(err)
			}
			config := filepath.Join(configDir(t, tt.config), "config.yaml")
			r := run(t, tt.env, bin.litellm, "--config", config, "--host", "127.0.0.1",
				"--port", strconv.Itoa(port))
			if r.code != 1 || !strings.Contains(r.stderr, `"sk-"`) {
				t.Errorf("litellm: want exit 1 and a message naming the \"sk-\" prefix, "+
					"got %v", r)
			}
			if strings.Contains(r.stderr+r.stdout, secret) {
				t.Errorf("litellm printed the master key:\n%v", r)
			}
		})
	}
}

func testSharedSQLite(t *testing.T) {
	dir := exampleConfigDir(t)
	g1 := startGateway(t, gatewayOptions{dir: dir})
	g2 := startGateway(t, gatewayOptions{dir: dir})
	if _, err := os.Stat(filepath.Join(dir, "litellm.db")); err != nil {
		t.Errorf("no SQLite file next to the config: %v", err)
	}
	for _, g := range []*gateway{g1, g2} {
		var list apitype.ModelList
		mustGetJSON(t, g, "/v1/models", masterKey, &list)
		if diff := cmp.Diff([]string{"demo-fast", "demo-smart"}, modelIDs(list)); diff != "" {
			t.Errorf("GET %s/v1/models: ids (-want +got):\n%s", g.url, diff)
		}
	}

	key := generatePlain(t, g1.proxy(masterKey), "--models", "demo-smart")
	var list apitype.ModelList
	mustGetJSON(t, g2, "/v1/models", key, &list)
	if diff := cmp.Diff([]string{"demo-smart"}, modelIDs(list)); diff != "" {
		t.Errorf("key made on one gateway, used on the other: ids (-want +got):\n%s", diff)
	}
}

func testRestart(t *testing.T) {
	dir := exampleConfigDir(t)
	before := startGateway(t, gatewayOptions{dir: dir})
	key := generatePlain(t, before.proxy(masterKey), "--models", "demo-fast")
	if err := before.stop(); err != nil {
		t.Fatalf("stop the first gateway: %v", err)
	}

	after := startGateway(t, gatewayOptions{dir: dir})
	var list apitype.ModelList
	after.proxy(key).runJSON(t, &list, "models", "list", "--format", "json")
	if diff := cmp.Diff([]string{"demo-fast"}, modelIDs(list)); diff != "" {
		t.Errorf("models list after a restart: ids (-want +got):\n%s", diff)
	}
}
