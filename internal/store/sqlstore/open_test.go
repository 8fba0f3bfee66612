package sqlstore

import (
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/litellm-go/gateway/internal/store"
)

func TestSQLitePath(t *testing.T) {
	tests := []struct {
		url     string
		want    string
		wantErr string
	}{
		{"gateway.db", "gateway.db", ""},
		{"/var/lib/gateway.db", "/var/lib/gateway.db", ""},
		{"sqlite:///var/lib/gateway.db", "/var/lib/gateway.db", ""},
		{"sqlite://gateway.db", "gateway.db", ""},
		{"file:gateway.db", "gateway.db", ""},
		{"file:///var/lib/gateway.db", "/var/lib/gateway.db", ""},
		{"", "", "empty sqlite database path"},
		{"sqlite://", "", "empty sqlite database path"},
		{":memory:", "", "in-memory"},
		{"file::memory:?cache=shared", "", "in-memory"},
		{"gateway.db?_pragma=writable_schema(1)", "", "must not carry parameters"},
		{"mysql://root@localhost/gateway", "", `unsupported database url scheme "mysql"`},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			got, err := sqlitePath(tc.url)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("sqlitePath(%q) error = %v, want %q", tc.url, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("sqlitePath(%q) = %q, %v; want %q", tc.url, got, err, tc.want)
			}
		})
	}
}

func TestOpenBadURL(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not sqlite\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{"empty", "", "empty sqlite database path"},
		{"unknown scheme", "mysql://root:secret@localhost/gateway", "unsupported database url scheme"},
		{"missing directory", "/nonexistent/dir/gateway.db", "open sqlite database"},
		{"not a database", garbage, "not a database"},
		{"garbage postgres url", "postgres://root:secret@host:notaport/db", "parse postgres url"},
		{"postgres refused", "postgres://root:secret@127.0.0.1:1/db?sslmode=disable",
			"connect to postgres"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			s, err := Open(ctx, tc.url, nil)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tc.url)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "open store: ") || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("Open(%q) error = %q, want %q in it", tc.url, msg, tc.wantErr)
			}
			if strings.Contains(msg, "secret") {
				t.Errorf("Open error shows the password: %q", msg)
			}
		})
	}
}

// TestPostgresUnreachable opens a server that accepts connections and
// never answers: Open must give up when its context ends, with an error
// that says what it was doing.
func TestPostgresUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	conns.Go(func() { holdConns(ln) })
	defer conns.Wait()
	defer ln.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	s, err := Open(ctx, "postgres://u@"+ln.Addr().String()+"/db?sslmode=disable", nil)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a silent server")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Open took %v to give up, want about 300ms", d)
	}
	if !strings.Contains(err.Error(), "connect to postgres") {
		t.Errorf("error = %q, want it to say it could not connect to postgres", err)
	}
}

// holdConns accepts connections and leaves them silent until ln closes.
func holdConns(ln net.Listener) {
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		held = append(held, c)
	}
}

func TestMigrateOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			url := b.url(t)
			first := migrations(t, openTest(t, url))
			if len(first) == 0 {
				t.Fatal("no migration recorded")
			}
			s := openTest(t, url)
			if diff := cmp.Diff(first, migrations(t, s)); diff != "" {
				t.Errorf("migrations changed on reopen (-first +second):\n%s", diff)
			}
			if rev, err := s.Revision(t.Context()); err != nil || rev != 0 {
				t.Errorf("Revision() = %d, %v; want 0 on a new database", rev, err)
			}
		})
	}
}

// migrations returns the rows of schema_migrations, as text.
func migrations(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(),
		"SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var version, name, applied string
		if err := rows.Scan(&version, &name, &applied); err != nil {
			t.Fatal(err)
		}
		out = append(out, version+" "+name+" "+applied)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConcurrentOpen(t *testing.T) {
	const gateways = 4
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			url := b.url(t)
			stores := make([]*Store, gateways)
			errs := make([]error, gateways)
			var wg sync.WaitGroup
			for i := range gateways {
				wg.Go(func() { stores[i], errs[i] = Open(t.Context(), url, nil) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("gateway %d: %v", i, err)
				}
				t.Cleanup(func() { stores[i].Close() })
			}

			ms, err := loadMigrations(stores[0].d.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := migrations(t, stores[0]); len(got) != len(ms) {
				t.Errorf("schema_migrations has %d rows, want %d: %v", len(got), len(ms), got)
			}
			if err := stores[0].CreateUser(t.Context(), &store.User{ID: "u1"}); err != nil {
				t.Fatal(err)
			}
			if _, err := stores[gateways-1].GetUser(t.Context(), "u1"); err != nil {
				t.Errorf("another gateway does not see the user: %v", err)
			}
		})
	}
}

// TestSQLitePragmas checks the settings of both SQLite pools: WAL lets
// readers run beside the writer, and the read pool refuses writes.
func TestSQLitePragmas(t *testing.T) {
	s := openTest(t, sqliteURL(t))
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
	}
	for _, tc := range tests {
		for name, db := range map[string]*sql.DB{"read": s.read, "write": s.write} {
			var got string
			if err := db.QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s pool: %s = %q, want %q", name, tc.pragma, got, tc.want)
			}
		}
	}
	_, err := s.read.ExecContext(t.Context(), "UPDATE revision SET value = 7")
	if err == nil {
		t.Error("the read pool accepted a write")
	}
}
