// Package testkit gives tests real databases: a fresh SQLite file for each
// test and, when QUORUM_TEST_POSTGRES names a server, a fresh PostgreSQL
// schema inside a database made for the test package (dropped by Main).
package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quorum/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL server URL.
const PostgresEnv = "QUORUM_TEST_POSTGRES"

var (
	pgOnce    sync.Once
	pgBaseURL string // URL of this package's database, or "" if none
	pgErr     error
	pgSchemas atomic.Int64
	pgAdmin   string // URL of the server's maintenance database
	pgDBName  string
)

// Main wraps testing.M so that the package's PostgreSQL database is
// dropped when its tests end. Use it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs the tests as Main does and returns their exit code, for a
// TestMain that has more to clean up.
func Run(m *testing.M) int {
	code := m.Run()
	if pgDBName != "" {
		if db, err := sql.Open("pgx", pgAdmin); err == nil {
			_, _ = db.Exec(`DROP DATABASE IF EXISTS ` + pgDBName + ` WITH (FORCE)`)
			db.Close()
		}
	}
	return code
}

// Engines runs fn once per available engine, each as a subtest with a fresh,
// migrated database.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		db := Postgres(t)
		fn(t, db)
	})
}

// SQLite opens a fresh migrated SQLite database for the test.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "quorum.db")
	return open(t, "sqlite:"+path)
}

// Postgres opens a fresh migrated PostgreSQL schema for the test, or skips
// the test when QUORUM_TEST_POSTGRES is not set.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set " + PostgresEnv + " to a server URL to run them")
	}
	pgOnce.Do(func() { pgBaseURL, pgErr = createPackageDB(base) })
	if pgErr != nil {
		t.Fatalf("PostgreSQL test database: %v", pgErr)
	}
	schema := fmt.Sprintf("t%d", pgSchemas.Add(1))
	admin, err := sql.Open("pgx", pgBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, _ := url.Parse(pgBaseURL)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String())
}

// URL returns a database URL for a fresh, unmigrated database of the given
// engine, for tests of commands that open the database themselves.
func URL(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "quorum.db")
	}
	db := Postgres(t)
	return db.URL()
}

func open(t testing.TB, rawURL string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", rawURL, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

func createPackageDB(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	pgAdmin = base
	wd, _ := os.Getwd()
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(filepath.Base(wd)))
	pgDBName = fmt.Sprintf("quorum_test_%s_%d_%d", name, os.Getpid(), time.Now().UnixNano()%1e6)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + pgDBName); err != nil {
		return "", err
	}
	u.Path = "/" + pgDBName
	return u.String(), nil
}
