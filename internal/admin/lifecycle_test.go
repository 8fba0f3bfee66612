package admin_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/apitype"
	"github.com/litellm-go/gateway/internal/server/servertest"
)

func TestKeyLifecycle(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	m := g.MasterKey

	var gen apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", m, map[string]any{
		"key_alias": "ci", "models": []string{"demo-fast"}, "max_budget": 5.5,
		"budget_duration": "30d", "duration": "1h", "metadata": map[string]any{"env": "ci"},
		"rpm_limit": 10, "tpm_limit": 1000,
	}).JSON(t, &gen)
	if !strings.HasPrefix(gen.Key, "sk-") || gen.Token == "" || gen.Token == gen.Key {
		t.Fatalf("generate: key %q token %q", gen.Key, gen.Token)
	}
	if gen.Expires == nil || gen.BudgetResetAt == nil || *gen.KeyAlias != "ci" || *gen.MaxBudget != 5.5 {
		t.Fatalf("generate: fields not set: %+v", gen.KeyInfo)
	}

	// The key works, sees only its model, and is listed without its secret.
	var models apitype.ModelList
	g.MustDo(t, 200, "GET", "/v1/models", gen.Key, nil).JSON(t, &models)
	if len(models.Data) != 1 || models.Data[0].ID != "demo-fast" {
		t.Fatalf("models of the key = %+v", models.Data)
	}
	list := g.MustDo(t, 200, "GET", "/key/list?return_full_object=true", m, nil)
	if strings.Contains(string(list.Body), gen.Key) {
		t.Fatal("/key/list shows the secret key")
	}
	var info apitype.KeyInfoResponse
	g.MustDo(t, 200, "GET", "/key/info?key="+gen.Key, m, nil).JSON(t, &info)
	if diff := cmp.Diff(gen.KeyInfo.Token, info.Info.Token); diff != "" {
		t.Errorf("key info token (-generate +info):\n%s", diff)
	}
	// A key may describe itself without ?key=.
	g.MustDo(t, 200, "GET", "/key/info", gen.Key, nil)

	// Update, then block: a blocked key is refused.
	var upd apitype.KeyInfo
	g.MustDo(t, 200, "POST", "/key/update", m, map[string]any{
		"key": gen.Token, "models": []string{"demo-fast", "demo-smart"}}).JSON(t, &upd)
	if len(upd.Models) != 2 {
		t.Errorf("updated models = %v", upd.Models)
	}
	g.MustDo(t, 200, "GET", "/v1/models", gen.Key, nil).JSON(t, &models)
	if len(models.Data) != 2 {
		t.Errorf("after update the key sees %d models, want 2 (cache not invalidated?)", len(models.Data))
	}
	g.MustDo(t, 200, "POST", "/key/update", m, map[string]any{"key": gen.Key, "blocked": true})
	g.MustDo(t, 401, "GET", "/v1/models", gen.Key, nil)

	// Delete is all or nothing.
	r := g.MustDo(t, 404, "POST", "/key/delete", m, map[string]any{"keys": []string{gen.Key, "sk-missing-key-xyz"}})
	if !strings.Contains(r.Detail(t), "not found") {
		t.Errorf("detail = %q", r.Detail(t))
	}
	g.MustDo(t, 200, "GET", "/key/info?key="+gen.Token, m, nil)
	var del apitype.DeleteKeysResponse
	g.MustDo(t, 200, "POST", "/key/delete", m, map[string]any{"keys": []string{gen.Key}}).JSON(t, &del)
	if len(del.DeletedKeys) != 1 {
		t.Errorf("deleted = %v", del.DeletedKeys)
	}
	g.MustDo(t, 404, "GET", "/key/info?key="+gen.Token, m, nil)
	g.MustDo(t, 401, "GET", "/v1/models", gen.Key, nil)
}

func TestUsersAndTeams(t *testing.T) {
	g := servertest.Start(t, servertest.Options{})
	m := g.MasterKey

	var team apitype.TeamInfo
	g.MustDo(t, 200, "POST", "/team/new", m, map[string]any{
		"team_id": "eng", "team_alias": "Engineering", "models": []string{"demo-smart"},
		"members_with_roles": []map[string]any{{"user_email": "lead@example.com", "role": "admin"}},
	}).JSON(t, &team)
	if len(team.MembersWithRoles) != 1 || team.MembersWithRoles[0].UserEmail != "lead@example.com" {
		t.Fatalf("team members = %+v", team.MembersWithRoles)
	}
	g.MustDo(t, 400, "POST", "/team/new", m, map[string]any{"team_id": "eng"})

	var u apitype.NewUserResponse
	g.MustDo(t, 200, "POST", "/user/new", m, map[string]any{
		"user_id": "ann", "user_email": "ann@example.com", "teams": []string{"eng"},
	}).JSON(t, &u)
	if u.UserRole != apitype.RoleInternalUser || !cmp.Equal(u.Teams, []string{"eng"}) {
		t.Fatalf("new user = %+v", u.UserInfo)
	}
	r := g.MustDo(t, 400, "POST", "/user/new", m, map[string]any{"user_email": "ANN@example.com"})
	if !strings.Contains(r.Detail(t), "already exists") {
		t.Errorf("duplicate email detail = %q", r.Detail(t))
	}
	g.MustDo(t, 400, "POST", "/user/new", m, map[string]any{"user_role": "king"})

	// The user's own key can read its user, not others; lists need a viewer role.
	var ui apitype.UserInfoResponse
	g.MustDo(t, 200, "GET", "/user/info", u.Key, nil).JSON(t, &ui)
	if ui.UserID != "ann" || len(ui.Keys) != 1 || len(ui.Teams) != 1 {
		t.Fatalf("user info = %+v", ui)
	}
	g.MustDo(t, 403, "GET", "/user/info?user_id="+team.MembersWithRoles[0].UserID, u.Key, nil)

	// Team member admin: add, duplicate, delete, delete again.
	g.MustDo(t, 200, "POST", "/team/member_add", m, map[string]any{
		"team_id": "eng", "member": map[string]any{"user_id": "bob", "role": "user"}})
	g.MustDo(t, 400, "POST", "/team/member_add", m, map[string]any{
		"team_id": "eng", "member": []map[string]any{{"user_id": "bob"}}})
	g.MustDo(t, 400, "POST", "/team/member_add", m, map[string]any{
		"team_id": "eng", "member": map[string]any{"user_id": "carl", "role": "owner"}})
	g.MustDo(t, 404, "GET", "/user/info?user_id=carl", m, nil) // nothing half-written
	var info apitype.TeamInfoResponse
	g.MustDo(t, 200, "GET", "/team/info?team_id=eng", u.Key, nil).JSON(t, &info)
	if len(info.TeamInfo.MembersWithRoles) != 3 {
		t.Errorf("members = %+v", info.TeamInfo.MembersWithRoles)
	}
	g.MustDo(t, 200, "POST", "/team/member_delete", m, map[string]any{"team_id": "eng", "user_id": "bob"})
	g.MustDo(t, 404, "POST", "/team/member_delete", m, map[string]any{"team_id": "eng", "user_id": "bob"})
	g.MustDo(t, 404, "GET", "/team/info?team_id=nope", m, nil)

	// A plain member may not change the team; its admin may.
	g.MustDo(t, 403, "POST", "/team/update", u.Key, map[string]any{"team_id": "eng", "team_alias": "x"})
	var lead apitype.GenerateKeyResponse
	g.MustDo(t, 200, "POST", "/key/generate", m, map[string]any{
		"user_id": team.MembersWithRoles[0].UserID}).JSON(t, &lead)
	var renamed apitype.TeamInfo
	g.MustDo(t, 200, "POST", "/team/update", lead.Key, map[string]any{"team_id": "eng", "team_alias": "Eng"}).JSON(t, &renamed)
	if renamed.TeamAlias == nil || *renamed.TeamAlias != "Eng" {
		t.Errorf("team admin's update: alias = %v", renamed.TeamAlias)
	}

	// Deleting users is all or nothing, and removes their keys.
	g.MustDo(t, 404, "POST", "/user/delete", m, map[string]any{"user_ids": []string{"ann", "nobody"}})
	g.MustDo(t, 200, "GET", "/user/info?user_id=ann", m, nil)
	g.MustDo(t, 200, "POST", "/user/delete", m, map[string]any{"user_ids": []string{"ann"}})
	g.MustDo(t, 401, "GET", "/v1/models", u.Key, nil)

	var teams []apitype.TeamInfo
	g.MustDo(t, 200, "GET", "/team/list", m, nil).JSON(t, &teams)
	if len(teams) != 1 {
		t.Fatalf("teams = %+v", teams)
	}
	g.MustDo(t, 200, "POST", "/team/delete", m, map[string]any{"team_ids": []string{"eng"}})
	g.MustDo(t, 200, "GET", "/team/list", m, nil).JSON(t, &teams)
	if len(teams) != 0 {
		t.Errorf("teams after delete = %+v", teams)
	}
}
