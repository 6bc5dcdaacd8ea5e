package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func runQuorum(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runQuorum(t, "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("--help does not list %s", c.name)
		}
		if c.name == "import" || c.name == "export" || c.name == "user" {
			continue // their help is tested with their own sub-words
		}
		code, out, _ := runQuorum(t, c.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: quorum "+c.name) {
			t.Errorf("%s --help: exit %d, output %.100q", c.name, code, out)
		}
	}
	if code, _, errs := runQuorum(t, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d %q", code, errs)
	}
	if code, _, _ := runQuorum(t); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
}

func TestDatabaseProblemsExitWithCodeTwo(t *testing.T) {
	cases := map[string]string{
		"unknown scheme": "mysql://localhost/quorum",
		"unreachable":    "postgres://quorum:hunter2@127.0.0.1:1/quorum?connect_timeout=2",
	}
	for name, url := range cases {
		code, _, errs := runQuorum(t, "migrate", "--database-url", url)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 2 || len(lines) != 1 || strings.Contains(errs, "hunter2") {
			t.Errorf("%s: exit %d, stderr %q (want one line, exit 2, no password)", name, code, errs)
		}
	}
	// A schema newer than the binary.
	path := filepath.Join(t.TempDir(), "q.db")
	if code, _, errs := runQuorum(t, "migrate", "--database-url", "sqlite:"+path); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errs := runQuorum(t, "serve", "--database-url", "sqlite:"+path)
	if code != 2 || !strings.Contains(errs, "newer than this quorum binary") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("newer schema: exit %d %q", code, errs)
	}
}

func TestUserCommands(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			url := testkit.URL(t, engine)
			pw := passwordFile(t)
			code, out, errs := runQuorum(t, "user", "create", "--database-url", url, "--email", "Ada@Example.org", "--name", "Ada Lovelace", "--password-file", pw)
			if code != 0 || !strings.Contains(out, "ada@example.org") {
				t.Fatalf("create: %d %q %q", code, out, errs)
			}
			if code, _, errs := runQuorum(t, "user", "create", "--database-url", url, "--email", "ada@example.org", "--name", "Ada", "--password-file", pw); code != 1 || !strings.Contains(errs, "already has a log-in") {
				t.Fatalf("second create: %d %q", code, errs)
			}
			if code, _, errs := runQuorum(t, "user", "grant", "--database-url", url, "--email", "ada@example.org", "--role", "admin"); code != 0 {
				t.Fatalf("grant: %d %q", code, errs)
			}
			if code, _, errs := runQuorum(t, "user", "grant", "--database-url", url, "--email", "ada@example.org", "--role", "officer"); code != 2 || !strings.Contains(errs, "unit") {
				t.Fatalf("officer without a unit: %d %q", code, errs)
			}
			if code, _, errs := runQuorum(t, "user", "grant", "--database-url", url, "--email", "ada@example.org", "--role", "king"); code != 2 {
				t.Fatalf("unknown role: %d %q", code, errs)
			}
			if code, _, errs := runQuorum(t, "user", "revoke", "--database-url", url, "--email", "ada@example.org", "--role", "admin"); code != 0 {
				t.Fatalf("revoke: %d %q", code, errs)
			}
			if code, _, _ := runQuorum(t, "user", "set-password", "--database-url", url, "--email", "nobody@example.org", "--password-file", pw); code != 1 {
				t.Fatalf("set-password for nobody: %d", code)
			}
			db, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			entries, _, err := db.AuditLog(context.Background(), store.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
			}
			got := strings.Join(actions, ",")
			if got != "role.revoke,role.grant,account.create,person.create" {
				t.Fatalf("audit log: %s", got)
			}
		})
	}
}

// passwordFile writes a password good enough for an account to a file,
// as --password-file reads it, and returns the file's path.
func passwordFile(t *testing.T) string {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("a long enough password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pw
}
