package sqlstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
	"github.com/litellm-go/gateway/internal/store/storetest"
	"github.com/litellm-go/gateway/internal/testenv"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTest(t, sqliteURL(t))
	})
}

func TestPostgres(t *testing.T) {
	testenv.RequirePostgres(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTest(t, testenv.PostgresURL(t))
	})
}

// backends lists the databases the tests below run on; each url function
// returns a new, empty database.
var backends = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"sqlite", sqliteURL},
	{"postgres", func(t *testing.T) string { return testenv.PostgresURL(t) }},
}

func sqliteURL(t *testing.T) string {
	return filepath.Join(t.TempDir(), "gateway.db")
}

// openTest opens the store at url and closes it when t ends.
func openTest(t testing.TB, url string) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestRebind(t *testing.T) {
	tests := []struct {
		d    *dialect
		in   string
		want string
	}{
		{newSQLiteDialect(), "a = ? AND b = ?", "a = ? AND b = ?"},
		{newPostgresDialect(), "a = ? AND b = ?", "a = $1 AND b = $2"},
		{newPostgresDialect(), "SELECT 1", "SELECT 1"},
	}
	for _, tc := range tests {
		t.Run(tc.d.name+"/"+tc.in, func(t *testing.T) {
			for range 2 { // the second call reads the cache
				if got := tc.d.rebind(tc.in); got != tc.want {
					t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
				}
			}
		})
	}
}

func TestLoadMigrations(t *testing.T) {
	for _, d := range []*dialect{newSQLiteDialect(), newPostgresDialect()} {
		t.Run(d.name, func(t *testing.T) {
			ms, err := loadMigrations(d.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 || ms[0].name != "0001_init" {
				t.Errorf("migrations = %v, want 0001_init first", ms)
			}
		})
	}
}
