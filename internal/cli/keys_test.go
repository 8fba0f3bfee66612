package cli

import "testing"

func TestKeys(t *testing.T) {
	runTests(t, []cliTest{{
		name: "list with filters",
		args: []string{"keys", "list", "--user-id", "u1", "--team-id", "t1", "--page", "2",
			"--size", "5"},
		calls: []exchange{{method: "GET",
			target: "/key/list?page=2&return_full_object=true&size=5&team_id=t1&user_id=u1",
			reply:  keyListReply}},
		wantOut: "" +
			"Key Hash  Alias  User ID  Team ID  Models     Spend  Expires\n" +
			"hash-1    ci     u1       t1       demo-fast  $1.5   2025-02-01 00:00 UTC\n" +
			"hash-2    -      -        -        all        $0     never\n",
		wantErr: "Showing 2 of 2 keys.\n",
	}, {
		name:    "list when empty",
		args:    []string{"keys", "list"},
		calls:   []exchange{{method: "GET", target: "/key/list?return_full_object=true", reply: `{"keys":[]}`}},
		wantErr: "No keys found.\n",
	}, {
		name: "generate prints only the key",
		args: []string{"keys", "generate", "--models", "demo-fast,demo-smart", "--alias", "ci",
			"--duration", "30d", "--max-budget", "10", "--user-id", "u1", "--team-id", "t1",
			"--rpm-limit", "60", "--tpm-limit", "1000", "--metadata", `{"env":"ci"}`},
		calls: []exchange{{method: "POST", target: "/key/generate", reply: generateReply,
			body: `{"models":["demo-fast","demo-smart"],"key_alias":"ci","duration":"30d",
				"max_budget":10,"user_id":"u1","team_id":"t1","rpm_limit":60,"tpm_limit":1000,
				"metadata":{"env":"ci"}}`}},
		wantOut: "sk-new-secret-key-000000\n",
		wantErr: "Save this key now: the gateway shows it only once.\n",
	}, {
		name: "generate with defaults sends every model",
		args: []string{"keys", "generate"},
		calls: []exchange{{method: "POST", target: "/key/generate", reply: generateReply,
			body: `{"models":[]}`}},
		wantOut: "sk-new-secret-key-000000\n",
		wantErr: "Save this key now: the gateway shows it only once.\n",
	}, {
		name: "generate with an explicit zero budget",
		args: []string{"keys", "generate", "--max-budget", "0", "--key-alias", "old-flag"},
		calls: []exchange{{method: "POST", target: "/key/generate", reply: generateReply,
			body: `{"models":[],"max_budget":0,"key_alias":"old-flag"}`}},
		wantOut: "sk-new-secret-key-000000\n",
		wantErr: "Save this key now: the gateway shows it only once.\n",
	}, {
		name:  "info",
		args:  []string{"keys", "info", "sk-some-key"},
		calls: []exchange{{method: "GET", target: "/key/info?key=sk-some-key", reply: keyInfoReply}},
		wantOut: "" +
			"Key Hash:    hash-1\n" +
			"Alias:       ci\n" +
			"User ID:     u1\n" +
			"Team ID:     t1\n" +
			"Models:      demo-fast\n" +
			"Spend:       $1.5\n" +
			"Max Budget:  $10\n" +
			"RPM Limit:   60\n" +
			"TPM Limit:   unlimited\n" +
			"Expires:     2025-02-01 00:00 UTC\n" +
			"Blocked:     false\n" +
			"Created:     2025-01-02 03:04 UTC\n",
	}, {
		name: "delete masks secrets",
		args: []string{"keys", "delete", "sk-abcdefghijkl1234", "hash-2", "--key-alias", "ci"},
		calls: []exchange{{method: "POST", target: "/key/delete",
			body:  `{"keys":["sk-abcdefghijkl1234","hash-2"],"key_aliases":["ci"]}`,
			reply: `{"deleted_keys":["sk-abcdefghijkl1234","hash-2","ci"]}`}},
		wantOut: "sk-...1234\nhash-2\nci\n",
		wantErr: "Deleted 3 key(s).\n",
	}})
}
