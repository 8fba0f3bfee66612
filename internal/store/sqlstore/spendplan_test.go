package sqlstore

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

// TestSpendPlans checks that SQLite finds the records of each ListSpend
// filter that an index serves without reading the rest of the log, and
// walks them in page order rather than sorting them all. (On a small log,
// PostgreSQL rightly prefers to read the table.)
func TestSpendPlans(t *testing.T) {
	s := openTest(t, sqliteURL(t))
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter store.SpendFilter
		index  string // the index that should serve the filter
		count  string // how the matches should be counted
	}{
		{"none", store.SpendFilter{}, "spend_logs_started",
			"SCAN spend_logs USING COVERING INDEX spend_logs_started"},
		{"user", store.SpendFilter{UserID: "u1"}, "spend_logs_user",
			"SEARCH spend_logs USING COVERING INDEX spend_logs_user"},
		{"team", store.SpendFilter{TeamID: "t1"}, "spend_logs_team",
			"SEARCH spend_logs USING COVERING INDEX spend_logs_team"},
		{"key", store.SpendFilter{KeyHash: "k1"}, "spend_logs_key",
			"SEARCH spend_logs USING COVERING INDEX spend_logs_key"},
		{"start", store.SpendFilter{Start: at}, "spend_logs_started",
			"SEARCH spend_logs USING COVERING INDEX spend_logs_started"},
		{"start and end", store.SpendFilter{Start: at, End: at.Add(time.Hour)},
			"spend_logs_started", "SEARCH spend_logs USING COVERING INDEX spend_logs_started"},
		{"user and time", store.SpendFilter{UserID: "u1", Start: at, End: at.Add(time.Hour)},
			"spend_logs_user", "SEARCH spend_logs USING COVERING INDEX spend_logs_user"},
		// No index has the model: counting reads every record.
		{"model", store.SpendFilter{Model: "gpt-4o"}, "spend_logs_started", "SCAN spend_logs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			where, args := s.ro.spendFilter(tc.filter)
			page := "SELECT " + spendCols + " FROM spend_logs" + where +
				" ORDER BY started_at, request_id LIMIT 10"
			plan := queryPlan(t, s, page, args...)
			uses := regexp.MustCompile(`USING (COVERING )?INDEX ` + tc.index + `\b`)
			if !uses.MatchString(plan) || strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") {
				t.Errorf("page plan:\n%s\nwant %s in page order", plan, tc.index)
			}
			plan = queryPlan(t, s, "SELECT COUNT(*) FROM spend_logs"+where, args...)
			if !strings.HasPrefix(plan, tc.count) {
				t.Errorf("count plan:\n%s\nwant %s", plan, tc.count)
			}
		})
	}
}

// queryPlan returns the lines of SQLite's plan for q.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
