package cli

// Replies of the fake gateway, in the shapes of apitype.

const modelsReply = `{"object":"list","data":[
 {"id":"demo-fast","object":"model","created":1735787045,"owned_by":"openai"},
 {"id":"demo-smart","object":"model","created":0,"owned_by":"litellm"}]}`

const modelInfoReply = `{"data":[
 {"model_name":"demo-fast",
  "litellm_params":{"model":"openai/demo-fast","api_base":"https://api.example.com/v1",
   "api_key":"sk-provider-secret","rpm":600},
  "model_info":{"id":"dep-1"}},
 {"model_name":"demo-smart",
  "litellm_params":{"model":"openai/demo-smart","api_key":"os.environ/OPENAI_API_KEY"},
  "model_info":{"id":"dep-2"}}]}`

const keyInfoJSON = `{"token":"hash-1","key_name":"sk-...abcd","key_alias":"ci",
 "spend":1.5,"max_budget":10,"budget_duration":null,"budget_reset_at":null,
 "expires":"2025-02-01T00:00:00Z","models":["demo-fast"],"user_id":"u1","team_id":"t1",
 "metadata":{"env":"ci"},"rpm_limit":60,"tpm_limit":null,"blocked":false,"created_by":"admin",
 "created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}`

const keyListReply = `{"keys":[` + keyInfoJSON + `,
 {"token":"hash-2","key_name":"sk-...wxyz","key_alias":null,"spend":0,"models":[],
  "created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}],
 "total_count":2,"current_page":1,"total_pages":1}`

var generateReply = `{"key":"sk-new-secret-key-000000",` + keyInfoJSON[1:]

const keyInfoReply = `{"key":"hash-1","info":` + keyInfoJSON + `}`

const userJSON = `{"user_id":"u1","user_email":"ada@example.com","user_alias":"Ada",
 "user_role":"internal_user","teams":["t1"],"models":[],"spend":2.25,"max_budget":null,
 "budget_duration":null,"budget_reset_at":null,"rpm_limit":null,"tpm_limit":null,
 "metadata":{},"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}`

const userListReply = `{"users":[` + userJSON + `,
 {"user_id":"admin","user_email":null,"user_role":"proxy_admin","teams":[],"spend":0,
  "created_at":"2025-01-02T03:04:05Z"}],"total":2,"page":1,"page_size":25,"total_pages":1}`

const userInfoReply = `{"user_id":"u1","user_info":` + userJSON + `,"keys":[` + keyInfoJSON +
	`],"teams":[]}`

const newUserReply = `{"user_id":"u2","user_email":"bob@example.com","user_role":"internal_user",
 "teams":["t1"],"models":["demo-fast"],"spend":0,"max_budget":5,
 "created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z","key":"sk-bob-secret-0000"}`

const teamJSON = `{"team_id":"t1","team_alias":"ml","models":["demo-fast"],
 "members_with_roles":[{"user_id":"u1","role":"admin"},{"user_email":"bob@example.com","role":"user"}],
 "spend":3,"max_budget":100,"budget_duration":null,"budget_reset_at":null,"rpm_limit":null,
 "tpm_limit":null,"metadata":{},"blocked":false,
 "created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}`

const teamListReply = `[` + teamJSON + `,
 {"team_id":"t2","team_alias":null,"models":[],"members_with_roles":[],"spend":0,
  "created_at":"2025-01-02T03:04:05Z"}]`

const teamInfoReply = `{"team_id":"t1","team_info":` + teamJSON + `,"keys":[]}`
