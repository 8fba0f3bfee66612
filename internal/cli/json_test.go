package cli

import (
	"strings"
	"testing"

	"github.com/litellm-go/gateway/internal/version"
)

// TestJSONOutput pins the --format json output of every command in
// testdata/*.json. Scripts parse this output: a change that is not an
// added field breaks them, so a diff here needs a very good reason.
func TestJSONOutput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		call exchange
	}{
		{"models-list", []string{"models", "list"},
			exchange{method: "GET", target: "/v1/models", reply: modelsReply}},
		{"models-info", []string{"models", "info"},
			exchange{method: "GET", target: "/v1/model/info", reply: modelInfoReply}},
		{"keys-list", []string{"keys", "list"},
			exchange{method: "GET", target: "/key/list?return_full_object=true", reply: keyListReply}},
		{"keys-generate", []string{"keys", "generate"},
			exchange{method: "POST", target: "/key/generate", body: `{"models":[]}`, reply: generateReply}},
		{"keys-info", []string{"keys", "info", "hash-1"},
			exchange{method: "GET", target: "/key/info?key=hash-1", reply: keyInfoReply}},
		{"keys-delete", []string{"keys", "delete", "hash-1"},
			exchange{method: "POST", target: "/key/delete", body: `{"keys":["hash-1"]}`,
				reply: `{"deleted_keys":["hash-1"]}`}},
		{"users-list", []string{"users", "list"},
			exchange{method: "GET", target: "/user/list", reply: userListReply}},
		{"users-get", []string{"users", "get", "u1"},
			exchange{method: "GET", target: "/user/info?user_id=u1", reply: userInfoReply}},
		{"users-create", []string{"users", "create"},
			exchange{method: "POST", target: "/user/new", body: `{"models":[]}`, reply: newUserReply}},
		{"users-delete", []string{"users", "delete", "u1"},
			exchange{method: "POST", target: "/user/delete", body: `{"user_ids":["u1"]}`,
				reply: `{"deleted_users":["u1"]}`}},
		{"teams-list", []string{"teams", "list"},
			exchange{method: "GET", target: "/team/list", reply: teamListReply}},
		{"teams-list-empty", []string{"teams", "list"},
			exchange{method: "GET", target: "/team/list", reply: `null`}},
		{"teams-get", []string{"teams", "get", "t1"},
			exchange{method: "GET", target: "/team/info?team_id=t1", reply: teamInfoReply}},
		{"teams-create", []string{"teams", "create"},
			exchange{method: "POST", target: "/team/new", body: `{"models":[]}`, reply: teamJSON}},
		{"teams-add-member", []string{"teams", "add-member", "t1", "--user-id", "u1"},
			exchange{method: "POST", target: "/team/member_add", reply: teamJSON,
				body: `{"team_id":"t1","member":[{"user_id":"u1","role":"user"}]}`}},
		{"version", []string{"version"},
			exchange{method: "GET", target: "/health/readiness",
				reply: `{"status":"healthy","db":"connected","litellm_version":"1.2.3"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestServer(t, tt.call)
			got := runCLI(t, gatewayEnv(g), append(tt.args, "--format", "json")...)
			if got.code != exitOK || got.stderr != "" {
				t.Fatalf("exit code %d, stderr %q; want 0 and nothing", got.code, got.stderr)
			}
			// The parts that change from run to run.
			out := strings.ReplaceAll(got.stdout, g.URL, "http://gateway.test")
			out = strings.ReplaceAll(out, version.String(), "CLIENT-VERSION")
			golden(t, tt.name+".json", out)
		})
	}
}
