package cli

import "testing"

const teamTable = "" +
	"Team ID:     t1\n" +
	"Alias:       ml\n" +
	"Models:      demo-fast\n" +
	"Spend:       $3\n" +
	"Max Budget:  $100\n" +
	"Blocked:     false\n" +
	"Created:     2025-01-02 03:04 UTC\n"

const membersTable = "\n" +
	"Member  Email            Role\n" +
	"u1      -                admin\n" +
	"-       bob@example.com  user\n"

func TestTeams(t *testing.T) {
	runTests(t, []cliTest{{
		name:  "list",
		args:  []string{"teams", "list"},
		calls: []exchange{{method: "GET", target: "/team/list", reply: teamListReply}},
		wantOut: "" +
			"Team ID  Alias  Models     Members  Spend  Max Budget\n" +
			"t1       ml     demo-fast  2        $3     $100\n" +
			"t2       -      all        0        $0     unlimited\n",
	}, {
		name:    "list when empty",
		args:    []string{"teams", "list"},
		calls:   []exchange{{method: "GET", target: "/team/list", reply: `[]`}},
		wantErr: "No teams found.\n",
	}, {
		name:    "get",
		args:    []string{"teams", "get", "t1"},
		calls:   []exchange{{method: "GET", target: "/team/info?team_id=t1", reply: teamInfoReply}},
		wantOut: teamTable + "Keys:        0\n" + membersTable,
	}, {
		name: "create",
		args: []string{"teams", "create", "--alias", "ml", "--team-id", "t1", "--models",
			"demo-fast", "--max-budget", "100"},
		calls: []exchange{{method: "POST", target: "/team/new", reply: teamJSON,
			body: `{"team_alias":"ml","team_id":"t1","models":["demo-fast"],"max_budget":100}`}},
		wantOut: teamTable + membersTable,
	}, {
		name: "create with defaults",
		args: []string{"teams", "create"},
		calls: []exchange{{method: "POST", target: "/team/new", body: `{"models":[]}`,
			reply: `{"team_id":"gen-1","created_at":"2025-01-02T03:04:05Z"}`}},
		wantOut: "" +
			"Team ID:     gen-1\n" +
			"Alias:       -\n" +
			"Models:      all\n" +
			"Spend:       $0\n" +
			"Max Budget:  unlimited\n" +
			"Blocked:     false\n" +
			"Created:     2025-01-02 03:04 UTC\n",
	}, {
		name: "add a member by ID",
		args: []string{"teams", "add-member", "t1", "--user-id", "u1", "--role", "admin"},
		calls: []exchange{{method: "POST", target: "/team/member_add", reply: teamJSON,
			body: `{"team_id":"t1","member":[{"user_id":"u1","role":"admin"}]}`}},
		wantOut: teamTable + membersTable,
	}, {
		name: "add a member by email",
		args: []string{"teams", "add-member", "t1", "--email", "bob@example.com"},
		calls: []exchange{{method: "POST", target: "/team/member_add", reply: teamJSON,
			body: `{"team_id":"t1","member":[{"user_email":"bob@example.com","role":"user"}]}`}},
		wantOut: teamTable + membersTable,
	}})
}
