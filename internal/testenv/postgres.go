package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresEnv names the environment variable that holds the URL of a
// PostgreSQL server for tests, as a user allowed to create databases.
const PostgresEnv = "LITELLM_TEST_POSTGRES_URL"

const postgresHint = "set " + PostgresEnv +
	`, for example with eval "$(scripts/postgres.sh start)"`

// RequirePostgres stops the test, as Require does, unless
// $LITELLM_TEST_POSTGRES_URL is set. A test whose subtests each call
// PostgresURL calls it first to skip once rather than in every subtest.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		Require(t, "PostgreSQL", postgresHint)
	}
}

// PostgresURL creates a database of its own for the test on the server at
// $LITELLM_TEST_POSTGRES_URL and returns its URL. The database is dropped
// when the test ends. Without the variable, see Require.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		Require(t, "PostgreSQL", postgresHint)
		return ""
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("testenv: %s must be a postgres:// URL", PostgresEnv)
	}

	name := databaseName(t.Name())
	adminExec(t, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	t.Cleanup(func() {
		// FORCE ends the connections a failed test may have left open.
		adminExec(t, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+
			" WITH (FORCE)")
	})

	u.Path = "/" + name
	return u.String()
}

// adminExec runs one statement on the admin database.
func adminExec(t testing.TB, admin, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testenv: connect to PostgreSQL at %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("testenv: %s: %v", stmt, err)
	}
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// databaseName returns a new database name that shows which test made it:
// PostgreSQL allows 63 bytes, of which the test name gets 40.
func databaseName(test string) string {
	b := make([]byte, 4)
	rand.Read(b)
	slug := notIdent.ReplaceAllString(strings.ToLower(test), "_")
	if len(slug) > 40 {
		slug = slug[len(slug)-40:] // the end names the subtest
	}
	return "test_" + hex.EncodeToString(b) + "_" + strings.Trim(slug, "_")
}
