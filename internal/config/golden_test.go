package config

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenEnv is the process environment the golden configs are loaded in.
// Every value that is a secret appears in secretValues.
var goldenEnv = map[string]string{
	"AZURE_API_KEY_EU":   "azure-eu-secret-value",
	"AZURE_API_KEY_CA":   "azure-ca-secret-value",
	"OPENAI_API_KEY":     "sk-openai-secret-value",
	"ANTHROPIC_API_KEY":  "sk-ant-secret-value",
	"REDIS_PASSWORD":     "redis-secret-value",
	"LITELLM_MASTER_KEY": "sk-master-secret-value",
	"DATABASE_URL":       "postgresql://litellm:db-secret-value@db.internal:5432/litellm",
}

// secretValues must never appear in a dump or an error message.
var secretValues = []string{
	"secret-value", "sk-literal-openai-key", "sk-extra-header-secret",
	"query-secret", "hunter2", "not-a-valid-master-key",
}

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// TestLoadValid loads testdata/valid/*.yaml and compares the JSON dump of
// each with its golden .json file.
func TestLoadValid(t *testing.T) {
	for _, file := range glob(t, "testdata/valid/*.yaml") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			c, err := Load(file, mapEnv(goldenEnv))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			got = append(got, '\n')
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".json", got)
			checkNoSecrets(t, string(got))
		})
	}
}

// TestLoadInvalid loads testdata/invalid/*.yaml and compares the error
// text, every problem at once, with its golden .txt file.
func TestLoadInvalid(t *testing.T) {
	for _, file := range glob(t, "testdata/invalid/*.yaml") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			c, err := Load(file, mapEnv(goldenEnv))
			if err == nil {
				t.Fatalf("Load succeeded, want an error; config:\n%s", c)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load error is %T, want *ValidationError: %v", err, err)
			}
			if len(ve.Problems) == 0 {
				t.Fatal("ValidationError without problems")
			}
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".txt", []byte(err.Error()+"\n"))
			checkNoSecrets(t, err.Error())
		})
	}
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s (err %v)", pattern, err)
	}
	return files
}

// checkGolden compares got with the file at path, or rewrites the file
// under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func checkNoSecrets(t *testing.T, text string) {
	t.Helper()
	for _, s := range secretValues {
		if strings.Contains(text, s) {
			t.Errorf("output shows the secret %q:\n%s", s, text)
		}
	}
}
