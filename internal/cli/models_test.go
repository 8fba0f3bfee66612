package cli

import (
	"strings"
	"testing"
)

func TestModels(t *testing.T) {
	runTests(t, []cliTest{{
		name:  "list as a table",
		args:  []string{"models", "list"},
		calls: []exchange{{method: "GET", target: "/v1/models", reply: modelsReply}},
		wantOut: "" +
			"ID          Object  Created               Owned By\n" +
			"demo-fast   model   2025-01-02 03:04 UTC  openai\n" +
			"demo-smart  model   -                     litellm\n",
	}, {
		name:    "list when empty",
		args:    []string{"models", "list"},
		calls:   []exchange{{method: "GET", target: "/v1/models", reply: `{"object":"list","data":[]}`}},
		wantErr: "No models found.\n",
	}, {
		name:  "info as a table, without secrets",
		args:  []string{"models", "info"},
		calls: []exchange{{method: "GET", target: "/v1/model/info", reply: modelInfoReply}},
		wantOut: "" +
			"Model Name  Provider Model     API Base                    ID\n" +
			"demo-fast   openai/demo-fast   https://api.example.com/v1  dep-1\n" +
			"demo-smart  openai/demo-smart  -                           dep-2\n",
	}})
}

func TestModelsInfoJSONHidesProviderKeys(t *testing.T) {
	got := cliTest{
		args:      []string{"models", "info", "--format", "json"},
		calls:     []exchange{{method: "GET", target: "/v1/model/info", reply: modelInfoReply}},
		stdoutOff: true,
	}.run(t)
	if strings.Contains(got.stdout, "sk-provider-secret") {
		t.Errorf("models info printed a provider key:\n%s", got.stdout)
	}
	for _, want := range []string{`"api_key": "[redacted]"`, `"os.environ/OPENAI_API_KEY"`} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("models info output lacks %s:\n%s", want, got.stdout)
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"api_key": true, "aws_secret_access_key": true, "vertex_credentials": true,
		"azure_ad_token": true, "client_secret": true, "password": true,
		"model": false, "api_base": false, "max_tokens": false, "rpm": false,
		"litellm_credential_name": false, "mock_response": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}
