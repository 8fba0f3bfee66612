package testenv

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// recorder is a testing.TB that records Skip and Fatal instead of
// stopping the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestRequire(t *testing.T) {
	tests := []struct {
		ci       string
		wantSkip bool
	}{
		{"", true},
		{"false", true},
		{"1", true},
		{"true", false},
	}
	for _, tc := range tests {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			Require(r, "Redis", "install redis-server")

			msg := r.failed
			if tc.wantSkip {
				msg = r.skipped
			}
			if msg == "" || (r.skipped != "" && r.failed != "") {
				t.Fatalf("skipped %q, failed %q; want only one, skip: %v",
					r.skipped, r.failed, tc.wantSkip)
			}
			for _, want := range []string{"Redis not available", "install redis-server"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if tc.wantSkip && !strings.HasPrefix(msg, "SKIP: ") {
				t.Errorf("skip message %q does not start with SKIP:", msg)
			}
		})
	}
}

func TestPostgresURLMissing(t *testing.T) {
	t.Setenv(PostgresEnv, "")
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	PostgresURL(r)
	if !strings.Contains(r.skipped, "SKIP: PostgreSQL not available: set "+PostgresEnv) {
		t.Errorf("skip message = %q, want it to name %s", r.skipped, PostgresEnv)
	}
}

// TestPostgresURL checks that each test gets a database of its own, and
// that it is gone once the test ends.
func TestPostgresURL(t *testing.T) {
	RequirePostgres(t)
	var names []string
	for i := range 2 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			names = append(names, currentDatabase(t, PostgresURL(t)))
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases = %v, want two different ones", names)
	}
	for _, name := range names {
		if databaseExists(t, name) {
			t.Errorf("database %s still exists after its test", name)
		}
	}
}

func currentDatabase(t *testing.T, dsn string) string {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func databaseExists(t *testing.T, name string) bool {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Getenv(PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestDatabaseName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9_]{1,63}$`)
	long := "TestSomething/" + strings.Repeat("very long subtest name ", 10) + "END"
	for _, test := range []string{"TestX", "TestX/sub-test_with UPPER/and é", long} {
		a, b := databaseName(test), databaseName(test)
		if !valid.MatchString(a) {
			t.Errorf("databaseName(%q) = %q, not a plain identifier of up to 63 bytes", test, a)
		}
		if a == b {
			t.Errorf("databaseName(%q) gave %q twice", test, a)
		}
	}
	if got := databaseName(long); !strings.HasSuffix(got, "_end") {
		t.Errorf("databaseName(long) = %q, want it to keep the end of the name", got)
	}
}
