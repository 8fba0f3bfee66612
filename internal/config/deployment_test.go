package config

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseDeployment feeds deployments as the management API decodes
// them from JSON, numbers as float64.
func TestParseDeployment(t *testing.T) {
	env := mapEnv(map[string]string{"KEY": "sk-env"})
	tests := []struct {
		name    string
		body    string
		want    Deployment
		wantErr string
	}{
		{
			name: "valid",
			body: `{"model_name": "m", "litellm_params": {"model": "openai/gpt-4o",
				"api_key": "os.environ/KEY", "rpm": 600, "temperature": 0.5},
				"model_info": {"id": "abc", "input_cost_per_token": 1e-6, "mode": "chat"}}`,
			want: Deployment{
				ModelName: "m",
				Params: LitellmParams{Model: "openai/gpt-4o", Provider: "openai",
					UpstreamModel: "gpt-4o", APIKey: "sk-env", RPM: 600, Weight: 1,
					Extra: map[string]any{"temperature": 0.5}},
				Info: ModelInfo{ID: "abc", InputCostPerToken: ptr(1e-6),
					Extra: map[string]any{"mode": "chat"}},
			},
		},
		{
			name: "every problem",
			body: `{"model_name": "", "litellm_params": {"model": "gpt-4o", "rpm": 1.5,
				"api_key": "os.environ/UNSET"}}`,
			wantErr: "model_name: required\n" +
				"litellm_params.api_key: environment variable UNSET is not set\n" +
				`litellm_params.rpm: want an integer, got "1.5"` + "\n" +
				`litellm_params.model: missing provider prefix (such as "openai/gpt-4o")`,
		},
		{
			name:    "no params",
			body:    `{"model_name": "m"}`,
			wantErr: "litellm_params: required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req struct {
				ModelName     string         `json:"model_name"`
				LitellmParams map[string]any `json:"litellm_params"`
				ModelInfo     map[string]any `json:"model_info"`
			}
			if err := json.Unmarshal([]byte(tt.body), &req); err != nil {
				t.Fatal(err)
			}
			got, err := ParseDeployment(req.ModelName, req.LitellmParams, req.ModelInfo, env)
			if diff := cmp.Diff(tt.wantErr, errText(err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
