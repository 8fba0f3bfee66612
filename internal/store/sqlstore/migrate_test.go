package sqlstore

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/store"
)

// TestMigrateSpendLog writes spend records under the schema of 0002, then
// migrates: 0003 rebuilds the spend log's keys and indexes, and must keep
// every record and still refuse one written again.
func TestMigrateSpendLog(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			s, err := connect(ctx, b.url(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.log = slog.New(slog.DiscardHandler)
			ms, err := loadMigrations(s.d.name)
			if err != nil {
				t.Fatal(err)
			}
			before := slices.IndexFunc(ms, func(m migration) bool {
				return strings.HasPrefix(m.name, "0003_")
			})
			if _, err := s.applyMigrations(ctx, ms[:before]); err != nil {
				t.Fatal(err)
			}

			at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			var records []store.SpendRecord
			for i, id := range []string{"r3", "r1", "r2"} {
				records = append(records, store.SpendRecord{RequestID: id, UserID: "u1",
					KeyHash: "k1", Model: "gpt-4o", Cost: 0.5, Status: 200,
					StartedAt: at.Add(time.Duration(i/2) * time.Second),
					Duration:  time.Second})
			}
			if err := s.AddSpend(ctx, records); err != nil {
				t.Fatal(err)
			}

			if err := s.migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, total, err := s.ListSpend(ctx, store.SpendFilter{UserID: "u1"})
			if err != nil {
				t.Fatal(err)
			}
			want := []*store.SpendRecord{&records[1], &records[0], &records[2]}
			if diff := cmp.Diff(want, got); diff != "" || total != 3 {
				t.Errorf("ListSpend after migrating (-want +got), total %d:\n%s", total, diff)
			}
			err = s.AddSpend(ctx, records[2:])
			if !errors.Is(err, store.ErrExists) {
				t.Errorf("AddSpend of a migrated record: %v, want ErrExists", err)
			}
		})
	}
}
