package cli

import "testing"

func TestUsers(t *testing.T) {
	runTests(t, []cliTest{{
		name:  "list",
		args:  []string{"users", "list", "--page", "1", "--page-size", "25"},
		calls: []exchange{{method: "GET", target: "/user/list?page=1&page_size=25", reply: userListReply}},
		wantOut: "" +
			"User ID  Email            Alias  Role           Teams  Spend\n" +
			"u1       ada@example.com  Ada    internal_user  t1     $2.25\n" +
			"admin    -                -      proxy_admin    -      $0\n",
	}, {
		name:    "list when empty",
		args:    []string{"users", "list"},
		calls:   []exchange{{method: "GET", target: "/user/list", reply: `{"users":[]}`}},
		wantErr: "No users found.\n",
	}, {
		name:  "get",
		args:  []string{"users", "get", "u1"},
		calls: []exchange{{method: "GET", target: "/user/info?user_id=u1", reply: userInfoReply}},
		wantOut: "" +
			"User ID:     u1\n" +
			"Email:       ada@example.com\n" +
			"Alias:       Ada\n" +
			"Role:        internal_user\n" +
			"Teams:       t1\n" +
			"Models:      all\n" +
			"Spend:       $2.25\n" +
			"Max Budget:  unlimited\n" +
			"Created:     2025-01-02 03:04 UTC\n" +
			"Keys:        1\n",
	}, {
		name: "create with a key",
		args: []string{"users", "create", "--email", "bob@example.com", "--user-id", "u2",
			"--role", "internal_user", "--alias", "Bob", "--models", "demo-fast",
			"--team", "t1", "--team", "t2", "--max-budget", "5"},
		calls: []exchange{{method: "POST", target: "/user/new", reply: newUserReply,
			body: `{"user_email":"bob@example.com","user_id":"u2","user_role":"internal_user",
				"user_alias":"Bob","models":["demo-fast"],"teams":["t1","t2"],"max_budget":5}`}},
		wantOut: "" +
			"User ID:     u2\n" +
			"Email:       bob@example.com\n" +
			"Alias:       -\n" +
			"Role:        internal_user\n" +
			"Teams:       t1\n" +
			"Models:      demo-fast\n" +
			"Spend:       $0\n" +
			"Max Budget:  $5\n" +
			"Created:     2025-01-02 03:04 UTC\n" +
			"Key:         sk-bob-secret-0000\n",
		wantErr: "Save the user's key now: the gateway shows it only once.\n",
	}, {
		name: "create without a key",
		args: []string{"users", "create", "--user-id", "u3", "--no-key"},
		calls: []exchange{{method: "POST", target: "/user/new",
			body:  `{"user_id":"u3","models":[],"auto_create_key":false}`,
			reply: `{"user_id":"u3","user_role":"internal_user","created_at":"2025-01-02T03:04:05Z"}`}},
		wantOut: "" +
			"User ID:     u3\n" +
			"Email:       -\n" +
			"Alias:       -\n" +
			"Role:        internal_user\n" +
			"Teams:       -\n" +
			"Models:      all\n" +
			"Spend:       $0\n" +
			"Max Budget:  unlimited\n" +
			"Created:     2025-01-02 03:04 UTC\n",
	}, {
		name: "delete",
		args: []string{"users", "delete", "u1", "u2"},
		calls: []exchange{{method: "POST", target: "/user/delete", body: `{"user_ids":["u1","u2"]}`,
			reply: `{"deleted_users":["u1","u2"]}`}},
		wantOut: "u1\nu2\n",
		wantErr: "Deleted 2 user(s).\n",
	}})
}
