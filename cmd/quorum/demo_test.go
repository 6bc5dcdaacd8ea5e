package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestDemoRefusesADatabaseInUse: the demo fills only a database of its
// own: a new SQLite file, or an empty database named on the command line.
func TestDemoRefusesADatabaseInUse(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "kept.db")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runQuorum(t, "demo", "--listen", "127.0.0.1:0", "--db", existing); code != 2 || !strings.Contains(errs, "already exists") {
		t.Fatalf("an existing --db file: %d %q", code, errs)
	}
	if code, _, errs := runQuorum(t, "demo", "--listen", "127.0.0.1:0", "--db", existing+"2", "--database-url", "sqlite:"+existing); code != 2 || !strings.Contains(errs, "either --db or --database-url") {
		t.Fatalf("both --db and --database-url: %d %q", code, errs)
	}
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := testkit.URL(t, engine)
			pw := passwordFile(t)
			if code, _, errs := runQuorum(t, "user", "create", "--database-url", url, "--email", "ada@example.org", "--name", "Ada Lovelace", "--password-file", pw); code != 0 {
				t.Fatalf("create: %d %q", code, errs)
			}
			code, _, errs := runQuorum(t, "demo", "--listen", "127.0.0.1:0", "--database-url", url)
			if code != 2 || !strings.Contains(errs, "the demo needs an empty database") {
				t.Fatalf("a database holding people: %d %q", code, errs)
			}
		})
	}
}
